import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as Y from 'yjs'
import { AlwaysOnPeerProcess, type PeerHealth } from '../e2e/support/alwaysOnPeerProcess.ts'
import { roomTopic } from '../src/room/roomTopic.ts'
import { LevelStore } from '../src/storage/LevelStore.ts'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { latencyCell, newPeerContext, openMeshpad, pause, probeState, withStage } from './support/benchPeers.ts'
import { newRoomSecret } from './support/seedRoom.ts'
import { loadTrace, TRACE_CREDIT, traceDocumentUpdate } from './support/traceDocument.ts'

/**
 * The always-on peer at scale (real peer processes, real LevelDB, real signaling server, real
 * Chromium): memory per idle room, bringing 200 stored rooms back after a restart, and a
 * newcomer's catch-up from the peer alone for the large trace document.
 */
const ROOMS = 200
const RESTARTS = 3
const CATCH_UPS = 5
const TIMEOUT_MS = 60_000

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

async function until(peer: AlwaysOnPeerProcess, done: (health: PeerHealth) => boolean): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS
  while (Date.now() < deadline) {
    const health = await peer.health().catch(() => null)
    if (health !== null && done(health)) return
    await pause(10)
  }
  throw new Error(`the peer did not get there: ${JSON.stringify(await peer.health())}`)
}

const allBack = (n: number) => (h: PeerHealth) => h.loaded === n && h.signaling.connected === n

/** Spawn → every room loaded from disk and subscribed at the signaling server, in ms. */
async function restartTime(peer: AlwaysOnPeerProcess, rooms: number): Promise<number> {
  await peer.stop()
  const started = performance.now()
  await peer.start()
  await until(peer, allBack(rooms))
  return performance.now() - started
}

async function rss(peer: AlwaysOnPeerProcess): Promise<number> {
  await pause(2_000) // NOTE: idle means idle: let start-up garbage go before reading the RSS.
  return peer.metric('meshpad_peer_process_resident_memory_bytes')
}

const trace = loadTrace()
const large = traceDocumentUpdate(trace, 1)
const largeVector = Object.fromEntries([...Y.decodeStateVector(Y.encodeStateVectorFromUpdate(large))].map(([c, k]) => [String(c), k]))

/** Every peer process started, so that a failed run stops them too. */
const started: AlwaysOnPeerProcess[] = []
async function create(args: readonly string[]): Promise<AlwaysOnPeerProcess> {
  const peer = await AlwaysOnPeerProcess.create(args)
  started.push(peer)
  return peer
}

const result = await withStage(async ({ browser, server }) => {
  try {
    // Many idle rooms.
    const secrets = Array.from({ length: ROOMS }, () => newRoomSecret())
    const one = await create([`${server.url}#${newRoomSecret()}`])
    await one.start()
    await until(one, allBack(1))
    const rssOne = await rss(one)
    await one.destroy()

    const roomsDir = await mkdtemp(join(tmpdir(), 'meshpad-bench-rooms-'))
    const roomsFile = join(roomsDir, 'rooms.txt')
    await writeFile(roomsFile, secrets.map((secret) => `${server.url}#${secret}`).join('\n'), { mode: 0o600 })
    const many = await create(['--rooms', roomsFile])
    await seed(many.dataDir, secrets.map((secret, i) => ({ secret, update: smallDocument(i) })))
    await many.start()
    await until(many, allBack(ROOMS))
    const rssMany = await rss(many)
    const restarts: number[] = []
    for (let i = 0; i < RESTARTS; i++) restarts.push(await restartTime(many, ROOMS))
    const storedBytes = await many.metric('meshpad_peer_stored_bytes')
    await many.destroy()
    await rm(roomsDir, { recursive: true, force: true })

    // A newcomer served by the peer alone.
    const secret = newRoomSecret()
    const keeper = await create([`${server.url}#${secret}`])
    await seed(keeper.dataDir, [{ secret, update: large }])
    await keeper.start()
    await until(keeper, allBack(1))
    const catchUps: (number | null)[] = []
    const firstPeers: (number | null)[] = []
    for (let i = 0; i < CATCH_UPS; i++) {
      const context = await newPeerContext(browser, { targetStateVector: largeVector })
      try {
        const page = await openMeshpad(context, `${server.url}#${secret}`)
        await page.waitForFunction(() => (window as unknown as { __bench: { syncedAt: number | null } }).__bench.syncedAt !== null, undefined, { timeout: TIMEOUT_MS })
        const text = await page.evaluate(() => window.meshpad?.session.text.toString())
        if (text !== trace.endContent) throw new Error('the newcomer holds the state vector but not the text')
        catchUps.push((await probeState(page)).syncedAt)
        firstPeers.push(await page.evaluate(() => window.meshpad?.session.debug().firstPeerAt ?? null))
      } finally {
        await context.close()
      }
    }
    await keeper.destroy()
    return { rssOne, rssMany, restarts, storedBytes, catchUps, firstPeers }
  } finally {
    await Promise.all(started.map((peer) => peer.destroy()))
  }
})

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

const perRoom = (result.rssMany - result.rssOne) / (ROOMS - 1)
const restart = percentiles(result.restarts)
const catchUp = percentiles(result.catchUps.filter((v): v is number => v !== null))
const firstPeer = percentiles(result.firstPeers.filter((v): v is number => v !== null))
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
const rows: BenchRow[] = [
  {
    figure: `memory per idle room (RSS with ${ROOMS} rooms − RSS with 1, ÷ ${ROOMS - 1})`,
    meshpad: `${(perRoom / 1024).toFixed(0)} kB (RSS ${mb(result.rssMany)} with ${ROOMS}, ${mb(result.rssOne)} with 1)`,
    anchor: '—',
    target: `one process holds ≥ ${ROOMS} rooms`,
  },
  {
    figure: `restart with ${ROOMS} stored rooms: process spawn → every room loaded from LevelDB and subscribed at the signaling server (p50 / p95 / p99)`,
    meshpad: latencyCell(restart),
    anchor: `y-webrtc's PBKDF2 room keys alone, ${ROOMS} rooms, same machine: ${pbkdf2.toFixed(0)} ms`,
    target: '—',
  },
  {
    figure: 'newcomer served by the always-on peer alone, large document: navigation start → document identical (p50 / p95 / p99)',
    meshpad: `${latencyCell(catchUp)}; first WebRTC peer connected p50 ${firstPeer.p50.toFixed(0)} ms`,
    anchor: 'browser to browser, same document: bench/results/join.json (large document)',
    target: '—',
  },
]
writeBenchResult({
  name: 'alwaysOnPeer',
  title: 'Always-on peer',
  rows,
  summary: { pbkdf2Ms: pbkdf2, loadAverage: load, firstPeer, perRoomBytes: perRoom, rssOne: result.rssOne, rssMany: result.rssMany, restart, catchUp, storedBytes: result.storedBytes },
  samples: { restarts: result.restarts, catchUps: result.catchUps, firstPeers: result.firstPeers },
  notes: [
    `Idle rooms hold a 1 kB document each; LevelDB on disk for the ${ROOMS} rooms: ${(result.storedBytes / 1024).toFixed(0)} kB.`,
    'The restart time includes starting Node and compiling the peer with tsx; most of it is y-webrtc deriving each room key (PBKDF2, 100,000 iterations), which also holds up LevelDB reads queued behind it in libuv\'s thread pool.',
    `Load average when the run ended: ${load.toFixed(1)} on ${cpus().length} cores (other work shares this machine).`,
    `Large document: ${TRACE_CREDIT}`,
  ],
})
