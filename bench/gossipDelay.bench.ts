import os from 'node:os'
import { waitForLine } from '../e2e/support/childProcess.ts'
import { fileURLToPath } from 'node:url'
import { RELAY_RULES, type RelayRule } from '../src/network/gossip/relayRule.ts'
import { createEditFragment } from '../src/room/roomAccess.ts'
import { startNodePeer, type NodePeerProcess, type NodePeerReport } from '../src/session/testing/nodePeerProcess.ts'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { DelayLab } from './support/DelayLab.ts'
import { treePaths } from './support/treePaths.ts'

/**
 * Gossip past a full mesh on links that differ (as root: network namespaces, see DelayLab): Node
 * peers (nodePeer.ts, @roamhq/wrtc), each in a namespace of its own whose access link has its own
 * one-way delay, in one signed room with a low `maxConns` (a partial mesh), and the signaling
 * server in another namespace. Once the peers publish their links' round-trip time classes, the
 * room takes turns between the relay rules (see `relayRule.ts`): author trees weighed by the
 * classes, author trees by hops, and the flood as the anchor. In each turn one Node peer (the
 * author, a fast, a middle and a slow one in turn) appends EDITS markers; each peer stamps when a
 * marker reached its document. Messages per edit are every data-channel message the room sent
 * while the markers travelled, less the room's background rate (anti-entropy, presence renewals):
 * the lower of two quiet windows of the same turn, just before and just after (a burst, such as a
 * link replaced and resynced, only ever adds to one).
 */
const PEERS = 12
const MAX_CONNS = 3
/** One-way delay of each peer's access link, ms: a link i – j takes both (2–40 ms one way). */
const DELAYS_MS = Array.from({ length: PEERS }, (_, i) => Math.round(2 + (38 * i) / (PEERS - 1)))
/** The authors of the rounds (peer indexes): a fast, a middle and a slow access link, twice. */
const AUTHORS = [1, 6, 10, 1, 6, 10]
const EDITS = 15
const EDIT_EVERY_MS = 200
const QUIET_MS = 3_000
const SWITCH_SETTLE_MS = 2_000
/** How long to wait for every peer to publish a class for its links before measuring anyway. */
const CLASSES_TIMEOUT_MS = 120_000
const PORT = 4444
const SIGNALING_MAIN = fileURLToPath(new URL('../signaling/main.ts', import.meta.url))

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const MARKER = /#(\d+);/g

interface Turn {
  readonly rule: RelayRule
  readonly author: number
  readonly latenciesMs: number[]
  /** Data-channel messages per edit: all sent while the edits travelled, and less the background. */
  readonly rawPerEdit: number
  readonly netPerEdit: number
  /** Links whose class is published, of all links the peers publish, at the start of the turn. */
  readonly published: string
  /** Along the paths the rule takes by the presence at the start of the turn (see `treePaths`), mean over the peers: hops, and the links' delay. */
  readonly meanHops: number
  readonly meanNetworkMs: number
  readonly meanClassMs: number
  /**
   * The author's direct links that the rule's tree reaches through another peer: in a signed room
   * the author sends its own edit to every link, so each such peer also gets a second copy.
   */
  readonly authorLinksReachedIndirectly: number
  /** Link ends whose published class, and links, that changed during the turn (from its start to its end). */
  readonly classChanges: number
  readonly linkChanges: number
  /** Each sample's latency less its path's network delay, mean (ms): what the hops and the processes add. */
  readonly meanOverheadMs: number
}

/** Links published with a class (a figure above 0) and all links, over every peer's latest report. */
function publishedClasses(reports: readonly NodePeerReport[]): { withClass: number; links: number; classes: Record<number, number> } {
  let withClass = 0
  let links = 0
  const classes: Record<number, number> = {}
  for (const report of reports) {
    links += report.links.length
    for (const ms of report.linkMs) {
      if (ms > 0) withClass++
      classes[ms] = (classes[ms] ?? 0) + 1
    }
  }
  return { withClass, links, classes }
}

/** Link ends whose published class changed, and links that came or went, between two rounds of reports. */
function changes(before: readonly NodePeerReport[], after: readonly NodePeerReport[]): { classChanges: number; linkChanges: number } {
  let classChanges = 0
  let linkChanges = 0
  before.forEach((was, i) => {
    const now = after[i]!
    const classes = new Map(now.links.map((peer, j) => [peer, now.linkMs[j]]))
    for (const [j, peer] of was.links.entries()) {
      if (!classes.has(peer)) linkChanges++
      else if (classes.get(peer) !== was.linkMs[j]) classChanges++
    }
    linkChanges += now.links.filter((peer) => !was.links.includes(peer)).length
  })
  return { classChanges, linkChanges }
}

/** Each published class over its link's round trip as the lab delays it (2 · (delay i + delay j)): median, min, max. */
function classOverTruth(reports: readonly NodePeerReport[]): { median: number; min: number; max: number } {
  const index = new Map(reports.map((report, i) => [report.peerId, i]))
  const ratios: number[] = []
  reports.forEach((report, i) =>
    report.links.forEach((peer, j) => {
      const other = index.get(peer)
      const published = report.linkMs[j] ?? 0
      if (other !== undefined && published > 0) ratios.push(published / (2 * (DELAYS_MS[i]! + DELAYS_MS[other]!)))
    }),
  )
  const p = percentiles(ratios)
  return { median: Math.round(p.p50 * 100) / 100, min: Math.round(p.min * 100) / 100, max: Math.round(p.max * 100) / 100 }
}

async function startSignaling(lab: DelayLab): Promise<string> {
  const child = lab.spawn(lab.server, process.execPath, ['--import', 'tsx', SIGNALING_MAIN], { PORT: String(PORT), HOST: '0.0.0.0', LOG_LEVEL: 'info' })
  await waitForLine(child, 'the signaling server', (line) => /"msg":"Meshpad: https?:/.test(line), 30_000)
  return `http://${lab.server.address}:${PORT}/`
}

async function measure(lab: DelayLab): Promise<{
  turns: Turn[]
  classesAtStart: ReturnType<typeof publishedClasses>
  classesWaitedMs: number
  linksPerPeer: number[]
  overTruth: ReturnType<typeof classOverTruth>
}> {
  const url = await startSignaling(lab)
  const link = `${url}#${createEditFragment()}`
  const peers: NodePeerProcess[] = []
  try {
    // A few at a time: each process compiles its TypeScript on start, on two cores.
    for (let i = 0; i < PEERS; i += 4) {
      const batch = lab.hosts.slice(i, i + 4).map((host, j) => startNodePeer(link, `n${i + j};`, 60_000, MAX_CONNS, { netns: host.ns }))
      peers.push(...(await Promise.all(batch)))
    }
    const parts = peers.map((_, i) => `n${i};`)
    await Promise.all(peers.map((peer) => peer.waitForText((text) => parts.every((part) => text.includes(part)), 120_000)))
    console.log(`[bench] ${PEERS} Node peers in sync; waiting for their links' classes to be published`)

    const classesFrom = Date.now()
    let classes = publishedClasses(await Promise.all(peers.map((peer) => peer.report())))
    while (Date.now() - classesFrom < CLASSES_TIMEOUT_MS && (classes.links === 0 || classes.withClass < classes.links)) {
      await sleep(2_000)
      classes = publishedClasses(await Promise.all(peers.map((peer) => peer.report())))
    }
    const classesWaitedMs = Date.now() - classesFrom
    console.log(`[bench] classes published on ${classes.withClass} of ${classes.links} link ends after ${(classesWaitedMs / 1000).toFixed(0)} s: ${JSON.stringify(classes.classes)} (ms: count)`)
    const settled = await Promise.all(peers.map((peer) => peer.report()))
    const linksPerPeer = settled.map((report) => report.links.length)
    const overTruth = classOverTruth(settled)
    console.log(`[bench] links per peer: ${linksPerPeer.join(' ')}; published class ÷ the link's round trip as delayed: median ${overTruth.median}, ${overTruth.min}–${overTruth.max}`)

    // When each marker reached each peer (the author's own stamp is its edit).
    const seen = new Map<number, Map<number, number>>()
    peers.forEach((peer, index) =>
      peer.onReport((report) => {
        for (const match of report.text.matchAll(MARKER)) {
          const marker = Number(match[1])
          let at = seen.get(marker)
          if (at === undefined) seen.set(marker, (at = new Map()))
          if (!at.has(index)) at.set(index, report.at)
        }
      }),
    )
    const sendsNow = async (): Promise<{ sends: number; at: number; reports: NodePeerReport[] }> => {
      const at = Date.now()
      const reports = await Promise.all(peers.map((peer) => peer.report()))
      return { sends: reports.reduce((sum, report) => sum + report.sends, 0), at, reports }
    }

    const turns: Turn[] = []
    let marker = 0
    for (const [round, author] of AUTHORS.entries()) {
      // Each rule goes first in one round: the room's state drifts, and no rule always meets it first.
      const order = RELAY_RULES.map((_, i) => RELAY_RULES[(i + round) % RELAY_RULES.length]!)
      for (const rule of order) {
        for (const peer of peers) peer.relay(rule)
        await sleep(SWITCH_SETTLE_MS)
        const quietStart = await sendsNow()
        await sleep(QUIET_MS)
        const start = await sendsNow()
        const state = publishedClasses(start.reports)
        const markers: number[] = []
        for (let e = 0; e < EDITS; e++) {
          markers.push(++marker)
          peers[author]!.append(`#${marker};`)
          await sleep(EDIT_EVERY_MS)
        }
        const last = `#${marker};`
        await Promise.all(peers.map((peer) => peer.waitForText((text) => text.includes(last), 30_000)))
        await Promise.all(peers.map((peer) => peer.waitForText((text) => markers.every((m) => text.includes(`#${m};`)), 30_000)))
        await sleep(500)
        const end = await sendsNow()
        await sleep(QUIET_MS)
        const quietEnd = await sendsNow()
        const paths = treePaths(start.reports.map((report, i) => ({ ...report, delayMs: DELAYS_MS[i]! })), author, rule)
        const networkMs = new Map(paths.map((path) => [path.peer, path.networkMs]))
        const latenciesMs: number[] = []
        const overheadsMs: number[] = []
        for (const m of markers) {
          const at = seen.get(m)!
          const editedAt = at.get(author)!
          for (const [index, reachedAt] of at) {
            if (index === author) continue
            latenciesMs.push(Math.round((reachedAt - editedAt) * 10) / 10)
            const network = networkMs.get(index)
            if (network !== undefined) overheadsMs.push(reachedAt - editedAt - network)
          }
        }
        const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length)
        const rate = Math.min((start.sends - quietStart.sends) / (start.at - quietStart.at), (quietEnd.sends - end.sends) / (quietEnd.at - end.at))
        const background = rate * (end.at - start.at)
        const turn: Turn = {
          rule,
          author,
          latenciesMs,
          rawPerEdit: (end.sends - start.sends) / EDITS,
          netPerEdit: (end.sends - start.sends - background) / EDITS,
          published: `${state.withClass}/${state.links}`,
          meanHops: mean(paths.map((path) => path.hops)),
          meanNetworkMs: mean(paths.map((path) => path.networkMs)),
          meanClassMs: mean(paths.map((path) => path.classMs)),
          authorLinksReachedIndirectly: paths.filter((path) => path.hops > 1 && start.reports[author]!.links.includes(start.reports[path.peer]!.peerId)).length,
          ...changes(start.reports, end.reports),
          meanOverheadMs: mean(overheadsMs),
        }
        turns.push(turn)
        const p = percentiles(latenciesMs)
        console.log(
          `[bench] ${rule.padEnd(8)} author n${author} (${DELAYS_MS[author]} ms link): p50 ${p.p50} ms, p99 ${p.p99} ms (n=${p.n}); ` +
            `${turn.netPerEdit.toFixed(1)} messages per edit (${turn.rawPerEdit.toFixed(1)} before the background); classes on ${turn.published} link ends; ` +
            `paths: ${turn.meanHops.toFixed(1)} hops, ${turn.meanNetworkMs.toFixed(0)} ms of links (classes ${turn.meanClassMs.toFixed(0)} ms), ${turn.meanOverheadMs.toFixed(0)} ms more measured (means); ` +
            `changed during the turn: ${turn.classChanges} classes, ${turn.linkChanges} links; author's links reached through another peer: ${turn.authorLinksReachedIndirectly}`,
        )
      }
    }
    return { turns, classesAtStart: classes, classesWaitedMs, linksPerPeer, overTruth }
  } finally {
    await Promise.all(peers.map((peer) => peer.stop()))
  }
}

const loadAtStart = os.loadavg().map((load) => load.toFixed(1))
console.log(`[bench] load average at the start: ${loadAtStart.join(' ')}`)
const lab = await DelayLab.create(DELAYS_MS)
const onSignal = (signal: NodeJS.Signals): void => {
  void lab.destroy().then(() => process.exit(signal === 'SIGINT' ? 130 : 143))
}
process.once('SIGINT', onSignal)
process.once('SIGTERM', onSignal)
let measured: Awaited<ReturnType<typeof measure>>
try {
  measured = await measure(lab)
} finally {
  await lab.destroy()
}

const loadAtEnd = os.loadavg().map((load) => load.toFixed(1))
console.log(`[bench] load average at the end: ${loadAtEnd.join(' ')}`)
const { turns } = measured
const byRule = new Map(RELAY_RULES.map((rule) => [rule, turns.filter((turn) => turn.rule === rule)]))
const latency = (rule: RelayRule): ReturnType<typeof percentiles> => percentiles(byRule.get(rule)!.flatMap((turn) => turn.latenciesMs))
const messages = (rule: RelayRule): number => {
  const own = byRule.get(rule)!
  return own.reduce((sum, turn) => sum + turn.netPerEdit, 0) / own.length
}
const average = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length)
const flood = latency('flood')
const budget = 1.5 * (PEERS - 1)
const NAMES: Record<RelayRule, string> = { weighted: 'author trees weighed by RTT class', hops: 'author trees by hops', flood: 'flood (every update to every link)' }
const rows: BenchRow[] = []
for (const rule of RELAY_RULES) {
  const p = latency(rule)
  const ratio = rule === 'flood' ? '' : ` (${(p.p50 / flood.p50).toFixed(2)}× / ${(p.p99 / flood.p99).toFixed(2)}× the flood)`
  rows.push({
    figure: `${NAMES[rule]}: edit at the author → each peer, p50 / p99`,
    meshpad: `${p.p50} / ${p.p99} ms${ratio} (n=${p.n})`,
    anchor: `flood ${flood.p50} / ${flood.p99} ms`,
    target: rule === 'flood' ? '—' : '≤ 1.2× the flood',
  })
  rows.push({
    figure: `${NAMES[rule]}: data-channel messages per edit (background removed)`,
    meshpad: `${messages(rule).toFixed(1)} (turns: ${byRule.get(rule)!.map((turn) => turn.netPerEdit.toFixed(1)).join(', ')})`,
    anchor: `flood ${messages('flood').toFixed(1)}`,
    target: `≤ 1.5·(n − 1) = ${budget}`,
  })
  const own = byRule.get(rule)!
  rows.push({
    figure: `${NAMES[rule]}: path to each peer (means): hops; one-way delay of its links; their classes; author's links reached indirectly; measured latency less that delay`,
    meshpad: [
      `${average(own.map((turn) => turn.meanHops)).toFixed(2)} hops`,
      `${average(own.map((turn) => turn.meanNetworkMs)).toFixed(0)} ms`,
      `${average(own.map((turn) => turn.meanClassMs)).toFixed(0)} ms of classes`,
      `${average(own.map((turn) => turn.authorLinksReachedIndirectly)).toFixed(1)} of the author's links reached through another peer`,
      `${average(own.map((turn) => turn.meanOverheadMs)).toFixed(0)} ms more measured`,
    ].join('; '),
    anchor: '—',
    target: '—',
  })
  rows.push({
    figure: `${NAMES[rule]}: data-channel messages per edit, background included`,
    meshpad: `${(byRule.get(rule)!.reduce((sum, turn) => sum + turn.rawPerEdit, 0) / byRule.get(rule)!.length).toFixed(1)}`,
    anchor: '—',
    target: '—',
  })
}
writeBenchResult({
  name: 'gossipDelay',
  title: 'Gossip past a full mesh on links that differ (network namespaces, Node peers)',
  rows,
  summary: {
    peers: PEERS,
    maxConns: MAX_CONNS,
    delaysMs: DELAYS_MS,
    linksPerPeer: measured.linksPerPeer,
    classesPublished: measured.classesAtStart,
    classesWaitedMs: measured.classesWaitedMs,
    classOverRoundTrip: measured.overTruth,
    loadAverage: { start: loadAtStart, end: loadAtEnd },
    ...Object.fromEntries(RELAY_RULES.map((rule) => [rule, { latencyMs: latency(rule), messagesPerEdit: messages(rule) }])),
  },
  samples: { turns },
  notes: [
    `${PEERS} Node peers (@roamhq/wrtc), each in its own network namespace; peer i's access link delays every packet ${DELAYS_MS.join(', ')} ms one way (a link i – j: both), through a user-space switch (this kernel has no netem). maxConns ${MAX_CONNS}: a partial mesh. A signed room; the signaling server in a namespace of its own.`,
    `Turns: for each author (peers ${AUTHORS.join(', ')}: a fast, a middle, a slow link), each rule in a rotated order; ${EDITS} edits ${EDIT_EVERY_MS} ms apart by a Node peer. Latency: the author's stamp of its edit to each peer's stamp of the edit in its document, one clock.`,
    'Messages per edit: all data-channel messages the room sent while the edits travelled, less the background rate (anti-entropy, presence renewals): the lower of two quiet windows of the same turn, just before and just after.',
    'Paths (a diagnostic, `treePaths`): the tree each rule takes by the presence at the start of a turn, or for the flood the path of least delay; the delay of its links, and what the measured latency adds to it (per-hop processing, the delay switch and queues on a loaded machine).',
    'The rule is switched at run time (`relayRule.ts`, tests and benchmarks only); repair, membership and presence throttling are the same under every rule.',
  ],
})
