import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import type { Browser } from '@playwright/test'
import { AlwaysOnPeerProcess, type PeerHealth } from '../e2e/support/alwaysOnPeerProcess.ts'
import { MeshpadServer } from '../e2e/support/meshpadServer.ts'
import { roomTopic } from '../src/room/roomTopic.ts'
import { LevelStore } from '../src/storage/LevelStore.ts'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { latencyCell, newPeerContext, openMeshpad, pause, probeState, withStage } from './support/benchPeers.ts'
import { newRoomSecret } from './support/seedRoom.ts'
import { loadTrace, TRACE_CREDIT, traceDocumentUpdate } from './support/traceDocument.ts'

/**
 * The always-on peer at scale (real peer processes, real LevelDB, a real Meshpad server that
 * exempts the peer's address, loopback, from the per-address budgets, real Chromium): memory with
 * 10,000 sleeping rooms, bringing 200 stored rooms back after a restart, a newcomer in a sleeping
 * room of the 10,000 (and, as its anchor in the same run, in the same room once awake), and a
 * newcomer's catch-up from the peer alone for the large trace document.
 */
const MANY = 10_000
const ROOMS = 200
const RESTARTS = 5
const NEWCOMERS = 10
const CATCH_UPS = 5
const TIMEOUT_MS = 120_000

/** Seeds `dir` with one stored document per secret, as the peer itself would have written it. */
async function seed(dir: string, docs: readonly { secret: string; update: Uint8Array }[]): Promise<void> {
  const store = await LevelStore.open(dir)
  for (const { secret, update } of docs) await store.write(roomTopic(secret), update)
  await store.close()
}

function smallDocument(i: number): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('content').insert(0, `Room ${i}\n${'A line of notes in an idle room.\n'.repeat(30)}`)
  return Y.encodeStateAsUpdate(doc)
}

const vectorOf = (update: Uint8Array) => Object.fromEntries([...Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update))].map(([c, k]) => [String(c), k]))

async function until(peer: AlwaysOnPeerProcess, done: (health: PeerHealth) => boolean, every = 10): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS
  while (Date.now() < deadline) {
    const health = await peer.health().catch(() => null)
    if (health !== null && done(health)) return
    await pause(every)
  }
  throw new Error(`the peer did not get there: ${JSON.stringify(await peer.health())}`)
}

/** Every room kept, subscribed at the signaling server, none still loading. */
const allBack = (n: number) => (h: PeerHealth) => h.rooms === n && h.loaded === n && h.signaling.connected === n

/** Spawn → every room back (as `allBack`), in ms. */
async function restartTime(peer: AlwaysOnPeerProcess, rooms: number, every = 10): Promise<number> {
  await peer.stop()
  const started = performance.now()
  await peer.start()
  await until(peer, allBack(rooms), every)
  return performance.now() - started
}

async function rss(peer: AlwaysOnPeerProcess): Promise<number> {
  await pause(2_000) // Idle means idle: let start-up garbage go before reading the RSS.
  return peer.metric('meshpad_peer_process_resident_memory_bytes')
}

/** Every peer process started, so that a failed run stops them too. */
const started: AlwaysOnPeerProcess[] = []
async function create(args: readonly string[]): Promise<AlwaysOnPeerProcess> {
  const peer = await AlwaysOnPeerProcess.create(args)
  started.push(peer)
  return peer
}

const roomsDirs: string[] = []
async function roomsFileOf(links: readonly string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'meshpad-bench-rooms-'))
  roomsDirs.push(dir)
  const file = join(dir, 'rooms.txt')
  await writeFile(file, links.join('\n'), { mode: 0o600 })
  return file
}

/** A newcomer opens `link` in a fresh context: navigation start → document identical, in ms. */
async function newcomer(browser: Browser, link: string, update: Uint8Array, text: string): Promise<number | null> {
  const context = await newPeerContext(browser, { targetStateVector: vectorOf(update) })
  try {
    const page = await openMeshpad(context, link)
    await page.waitForFunction(() => (window as unknown as { __bench: { syncedAt: number | null } }).__bench.syncedAt !== null, undefined, { timeout: TIMEOUT_MS })
    if ((await page.evaluate(() => window.meshpad?.session.text.toString())) !== text) throw new Error('the newcomer holds the state vector but not the text')
    return (await probeState(page)).syncedAt
  } finally {
    await context.close()
  }
}

const trace = loadTrace()
const large = traceDocumentUpdate(trace, 1)
const textOf = (update: Uint8Array) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc.getText('content').toString()
}

const server = await MeshpadServer.start({ env: { BUDGET_EXEMPT_ADDRESSES: 'loopback' } })
const result = await withStage(async ({ browser }) => {
  try {
    const link = (secret: string) => `${server.url}#${secret}`
    const one = await create([link(newRoomSecret())])
    await one.start()
    await until(one, allBack(1))
    const rssOne = await rss(one)
    await one.destroy()

    // 10,000 sleeping rooms, each with a stored document; newcomers in ten of them.
    const secrets = Array.from({ length: MANY }, () => newRoomSecret())
    const docs = secrets.map((secret, i) => ({ secret, update: smallDocument(i) }))
    const many = await create(['--rooms', await roomsFileOf(secrets.map(link))])
    await seed(many.dataDir, docs)
    const manyStart = performance.now()
    await many.start()
    await until(many, allBack(MANY), 200)
    const startMany = performance.now() - manyStart
    const rssMany = await rss(many)
    const asleep: (number | null)[] = []
    const awake: (number | null)[] = []
    for (let i = 0; i < NEWCOMERS; i++) {
      await until(many, (h) => h.awake === i)
      const { secret, update } = docs[i * 997]!
      asleep.push(await newcomer(browser, link(secret), update, textOf(update)))
      awake.push(await newcomer(browser, link(secret), update, textOf(update)))
    }
    const rssWoken = await rss(many)
    await many.destroy()

    // 200 stored rooms, restarted.
    const restartSecrets = secrets.slice(0, ROOMS)
    const some = await create(['--rooms', await roomsFileOf(restartSecrets.map(link))])
    await seed(some.dataDir, docs.slice(0, ROOMS))
    await some.start()
    await until(some, allBack(ROOMS))
    const restarts: number[] = []
    for (let i = 0; i < RESTARTS; i++) restarts.push(await restartTime(some, ROOMS))
    const storedBytes = await some.metric('meshpad_peer_stored_bytes')
    await some.destroy()

    // A newcomer served by the peer alone, large document (the room asleep for the first).
    const secret = newRoomSecret()
    const keeper = await create([link(secret)])
    await seed(keeper.dataDir, [{ secret, update: large }])
    await keeper.start()
    await until(keeper, allBack(1))
    const catchUps: (number | null)[] = []
    for (let i = 0; i < CATCH_UPS; i++) catchUps.push(await newcomer(browser, link(secret), large, trace.endContent))
    await keeper.destroy()
    return { rssOne, rssMany, rssWoken, startMany, asleep, awake, restarts, storedBytes, catchUps }
  } finally {
    await Promise.all(started.map((peer) => peer.destroy()))
    await Promise.all(roomsDirs.map((dir) => rm(dir, { recursive: true, force: true })))
  }
}).finally(() => server.stop())

/**
 * y-webrtc derives each room's key with PBKDF2 (100,000 iterations of SHA-256) before it can
 * read any signaling message: the same work for 200 rooms, alone, in this process.
 */
async function keyDerivations(count: number): Promise<number> {
  const encoder = new TextEncoder()
  const started = performance.now()
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const key = await crypto.subtle.importKey('raw', encoder.encode(`secret ${i}`), 'PBKDF2', false, ['deriveKey'])
      const params = { name: 'PBKDF2', salt: encoder.encode(`room ${i}`), iterations: 100_000, hash: 'SHA-256' }
      await crypto.subtle.deriveKey(params, key, { name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt'])
    }),
  )
  return performance.now() - started
}
const pbkdf2 = await keyDerivations(ROOMS)
const load = loadavg()[0] ?? 0

const restart = percentiles(result.restarts)
const known = (values: readonly (number | null)[]) => percentiles(values.filter((v): v is number => v !== null))
const asleep = known(result.asleep)
const awake = known(result.awake)
const catchUp = known(result.catchUps)
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const rows: BenchRow[] = [
  {
    figure: `RSS of one peer process keeping ${MANY.toLocaleString('en')} sleeping rooms (each a stored 1 kB document)`,
    meshpad: `${mb(result.rssMany)} (${mb(result.rssOne)} with 1 room; ${mb(result.rssWoken)} after ${NEWCOMERS} of them woke); spawn → all subscribed ${(result.startMany / 1000).toFixed(1)} s`,
    anchor: `every room an open session: 253 kB per idle room (BENCHMARKS.md before sleeping rooms) × ${MANY.toLocaleString('en')} ≈ 2.5 GB`,
    target: '≤ 1 GiB',
  },
  {
    figure: `restart with ${ROOMS} stored rooms: process spawn → every room subscribed at the signaling server, none loading (p50 / p95 / p99)`,
    meshpad: latencyCell(restart),
    anchor: `every room an open session: 29437 ms p50 (BENCHMARKS.md before); y-webrtc's PBKDF2 room keys alone, ${ROOMS} rooms, this run: ${pbkdf2.toFixed(0)} ms`,
    target: '≤ 3000 ms',
  },
  {
    figure: `newcomer in a sleeping room of the ${MANY.toLocaleString('en')}, 1 kB document, served by the peer alone: navigation start → document identical (p50 / p95 / p99)`,
    meshpad: latencyCell(asleep),
    anchor: `the same rooms, awake (the next newcomer in each): ${latencyCell(awake)}`,
    target: '≤ 1500 ms',
  },
  {
    figure: 'newcomer served by the always-on peer alone, large document (asleep for the first of them): navigation start → document identical (p50 / p95 / p99)',
    meshpad: latencyCell(catchUp),
    anchor: 'browser to browser, same document: bench/results/join.json (large document)',
    target: '—',
  },
]
writeBenchResult({
  name: 'alwaysOnPeer',
  title: 'Always-on peer',
  rows,
  summary: { pbkdf2Ms: pbkdf2, loadAverage: load, rssOne: result.rssOne, rssMany: result.rssMany, rssWoken: result.rssWoken, startMany: result.startMany, restart, asleep, awake, catchUp, storedBytes: result.storedBytes },
  samples: { restarts: result.restarts, asleep: result.asleep, awake: result.awake, catchUps: result.catchUps },
  notes: [
    `A kept room sleeps: its topic subscribed on the peer's one signaling connection, nothing else in memory. It wakes into a full session when someone else is in it, and sleeps again after 60 s alone with its copy written. LevelDB on disk for the ${ROOMS} rooms: ${(result.storedBytes / 1024).toFixed(0)} kB.`,
    'The restart time includes starting Node and compiling the peer with tsx. No room key is derived at start any more: a room derives its key (PBKDF2) when it wakes.',
    `Load average when the run ended: ${load.toFixed(1)} on ${cpus().length} cores (other work shares this machine).`,
    `Large document: ${TRACE_CREDIT}`,
  ],
})
