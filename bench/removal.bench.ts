import type { Page } from '@playwright/test'
import { createEditFragment } from '../src/room/roomAccess.ts'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { closePeers, ms, newPeerContext, openMeshpad, waitForLinks, withStage, type BenchPeer } from './support/benchPeers.ts'
import { seedRoom } from './support/seedRoom.ts'
import { loadTrace, TRACE_CREDIT, traceDocumentUpdate } from './support/traceDocument.ts'

/**
 * Removing a person: five peers (their own browser contexts, over real WebRTC) hold the
 * automerge-paper document in a signed room; A removes one of them. Measured: from A's call to
 * remove (what "Remove" does) to each of the three other kept peers editing in the new room (its
 * session on the new topic, holding the whole text, with a WebRTC peer there).
 */
const PEERS = 5
const ROUNDS = 3
const trace = loadTrace()
const update = traceDocumentUpdate(trace, 1)
const length = trace.endContent.length

/** Installs, in each page, a watch that notes (epoch ms) when the page first edits in a room other than `oldTopic`. */
async function watchArrival(page: Page, oldTopic: string, length: number): Promise<void> {
  await page.evaluate(
    ({ oldTopic, length }) => {
      const w = window as unknown as { arrivedAt?: number }
      delete w.arrivedAt
      const timer = setInterval(() => {
        const session = window.meshpad?.session
        if (!session || session.topic === oldTopic || session.text.length < length || session.debug().webrtcConnected < 1) return
        w.arrivedAt = Date.now()
        clearInterval(timer)
      }, 2)
    },
    { oldTopic, length },
  )
}

const arrivals: number[] = []
const lastArrivals: number[] = []
const recordBytes: number[] = []
await withStage(async ({ browser, server }) => {
  for (let round = 0; round < ROUNDS; round++) {
    const secret = createEditFragment()
    const peers: BenchPeer[] = []
    for (let i = 0; i < PEERS; i++) {
      const context = await newPeerContext(browser)
      await context.addInitScript((name) => localStorage.setItem('meshpad/v1/user', JSON.stringify({ name, color: '#30bced' })), `Peer ${i}`)
      await seedRoom(context, server.url, secret, update)
      const page = await openMeshpad(context, new URL(`/#${secret}`, server.url).href)
      await page.waitForFunction((n) => window.meshpad?.session.text.length === n, length, { timeout: 60_000 })
      peers.push({ context, page })
    }
    const a = peers[0]!.page
    await Promise.all(peers.map((peer) => waitForLinks(peer.page, PEERS - 1, 60_000)))
    await a.waitForFunction((n) => (window.meshpad?.session.removal?.people().filter((p) => !p.self).length ?? 0) >= n, PEERS - 1, { timeout: 60_000 })
    const oldTopic = await a.evaluate(() => window.meshpad!.session.topic)
    const kept = peers.slice(1, PEERS - 1).map((peer) => peer.page)
    for (const page of [a, ...kept]) await watchArrival(page, oldTopic, length)
    const started = Date.now()
    await a.evaluate(async () => {
      const removal = window.meshpad!.session.removal!
      const people = removal.people().filter((p) => !p.self)
      await removal.remove(people.slice(0, -1).map((p) => p.sign))
    })
    const times: number[] = []
    for (const page of kept) {
      await page.waitForFunction(() => (window as unknown as { arrivedAt?: number }).arrivedAt !== undefined, null, { timeout: 60_000 })
      times.push((await page.evaluate(() => (window as unknown as { arrivedAt: number }).arrivedAt)) - started)
    }
    recordBytes.push(await peers[PEERS - 1]!.page.evaluate(() => JSON.stringify(window.meshpad!.session.doc.getArray('moves').toArray()).length))
    arrivals.push(...times)
    lastArrivals.push(Math.max(...times))
    console.log(`[bench] round ${round + 1}: kept peers editing in the new room after ${times.map((t) => `${t} ms`).join(', ')}`)
    await closePeers(peers)
  }
})

const each = percentiles(arrivals)
const last = percentiles(lastArrivals)
const rows: BenchRow[] = [
  {
    figure: `remove → every online kept peer editing in the new room, ${PEERS} peers, automerge-paper document (p50 / max over ${ROUNDS} rounds)`,
    meshpad: `${ms(last.p50)} / ${ms(last.max)}`,
    anchor: 'by hand: a new link sent to each person, one by one',
    target: '—',
  },
  { figure: 'remove → one kept peer editing in the new room (p50 / p95)', meshpad: `${ms(each.p50)} / ${ms(each.p95)}`, anchor: '—', target: '—' },
  { figure: `move record in the old room (JSON), ${PEERS - 1} devices sealed to`, meshpad: `${recordBytes[0]?.toLocaleString('en')} B`, anchor: '—', target: '—' },
]
console.log(rows.map((row) => `[bench] ${row.figure}: ${row.meshpad}`).join('\n'))
writeBenchResult({
  name: 'removal',
  title: 'Removing a person',
  rows,
  summary: { each, last, recordBytes },
  samples: { arrivals, lastArrivals },
  notes: [
    `Each round: ${PEERS} peers in a new signed room, each opened from a stored copy of the automerge-paper document (${length.toLocaleString('en')} characters; ${TRACE_CREDIT}), all linked over WebRTC; A's device map lists the others. A calls \`session.removal.remove\` keeping all but one; the clock starts just before that call (the dialog's "Remove").`,
    'A kept peer counts as editing in the new room when its session is on the new topic, holds the whole text, and has a WebRTC peer there (checked every 2 ms in the page). The time includes the record being built and sealed, its signed update reaching each peer, the settle window of 1.5 s in which concurrent records are awaited (see src/removal/RoomMover.ts), the new room opening, and the peers meeting in it.',
  ],
})
