import type { Browser } from '@playwright/test'
import WebSocket from 'ws'
import { MeshpadServer } from '../e2e/support/meshpadServer.ts'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { latencyCell, newPeerContext, openMeshpad, openPeer, withStage, type BenchPeer } from './support/benchPeers.ts'
import { measureTypingLatency, TYPING_KEYS as KEYS, type TypingLatency } from './support/typingLatency.ts'

/**
 * The relay of last resort (src/network/relay/ServerRelay.ts) beside the direct path, in one run:
 * - typing, 2 peers: a key press in A → the character in B's editor DOM (bench/support/typingLatency.ts),
 *   over a WebRTC data channel, and through the server's relay with B's page lacking WebRTC; and
 *   the bytes the server received and sent per key press meanwhile (its /metrics counters);
 * - the server forwarding: its CPU time per 100,000 deliveries of 1 KiB, as `publish` (signaling)
 *   and as `relay` frames, in rooms of two Node clients.
 */
type Path = 'direct' | 'relay'
const ORDER: readonly Path[] = ['direct', 'relay', 'relay', 'direct']
const KEYS_PER_ROOM = KEYS / 2
const ROOMS = 50
const FRAMES_PER_SENDER = 400
const PAYLOAD = 'x'.repeat(1024)

/** A room of A (with WebRTC) and B (without): linked only through the server's relay. */
async function openRelayedPair(browser: Browser, url: string): Promise<BenchPeer[]> {
  const a = await openPeer(browser, url)
  const context = await newPeerContext(browser)
  await context.addInitScript(() => {
    for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection', 'RTCSessionDescription', 'RTCIceCandidate']) Reflect.deleteProperty(window, name)
  })
  const b = { context, page: await openMeshpad(context, a.page.url()) }
  for (const peer of [a, b]) await peer.page.waitForFunction(() => (window.meshpad?.session.debug().serverRelayed.length ?? 0) >= 1, undefined, { timeout: 30_000 })
  return [a, b]
}

/** The server's counters (Prometheus text format) by metric name, labels ignored. */
async function metrics(server: MeshpadServer): Promise<Record<string, number>> {
  const text = await (await fetch(`${server.url}metrics`)).text()
  const values: Record<string, number> = {}
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{[^}]*\})? ([0-9.e+-]+)$/.exec(line)
    if (match) values[match[1]!] = (values[match[1]!] ?? 0) + Number(match[2])
  }
  return values
}

interface TypingRun {
  latency: TypingLatency
  serverBytesPerKey: number
}

async function typing(path: Path): Promise<TypingRun> {
  return withStage(async ({ browser, server }) => {
    let before: Record<string, number> = {}
    let after: Record<string, number> = {}
    const latency = await measureTypingLatency(browser, server.url, 2, KEYS_PER_ROOM, path === 'relay' ? openRelayedPair : undefined, {
      before: async () => void (before = await metrics(server)),
      after: async () => void (after = await metrics(server)),
    })
    const bytes = (name: string): number => (after[name] ?? 0) - (before[name] ?? 0)
    return { latency, serverBytesPerKey: (bytes('meshpad_signaling_received_bytes_total') + bytes('meshpad_signaling_sent_bytes_total')) / KEYS_PER_ROOM }
  })
}

/** Opens `ROOMS` rooms of two ws clients on `server`; resolves once all are subscribed. */
async function openClientRooms(server: MeshpadServer): Promise<{ senders: WebSocket[]; receivers: WebSocket[]; received: () => number; close: () => void }> {
  const sockets: WebSocket[] = []
  let received = 0
  const open = (topic: string, counting: boolean): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(server.signalingUrl)
      sockets.push(socket)
      socket.once('error', reject)
      socket.once('open', () => {
        socket.send(JSON.stringify({ type: 'subscribe', topics: [topic] }))
        socket.send(JSON.stringify({ type: 'ping' }))
        socket.once('message', () => {
          if (counting) socket.on('message', () => received++)
          resolve(socket)
        })
      })
    })
  const senders: WebSocket[] = []
  const receivers: WebSocket[] = []
  for (let room = 0; room < ROOMS; room++) {
    senders.push(await open(`room-${room}`, false))
    receivers.push(await open(`room-${room}`, true))
  }
  return { senders, receivers, received: () => received, close: () => sockets.forEach((socket) => socket.terminate()) }
}

/** CPU seconds of the server per 100,000 deliveries of `kind` frames of 1 KiB. */
async function forwarding(kind: 'publish' | 'relay'): Promise<{ cpuPer100k: number; deliveries: number }> {
  const server = await MeshpadServer.start({ env: { RATE_LIMIT_PER_SECOND: '100000', RATE_LIMIT_BURST: '100000', ADDRESS_RATE_LIMIT_PER_SECOND: '1000000', ADDRESS_RATE_LIMIT_BURST: '1000000', SERVER_RELAY_BYTES_PER_SECOND: '1073741824', SERVER_RELAY_INSTANCE_BYTES_PER_SECOND: '1073741824' } })
  try {
    const rooms = await openClientRooms(server)
    const cpu = (values: Record<string, number>): number => values.process_cpu_seconds_total ?? 0
    const before = cpu(await metrics(server))
    rooms.senders.forEach((socket, room) => {
      const frame = JSON.stringify(kind === 'relay' ? { type: 'relay', topic: `room-${room}`, data: PAYLOAD } : { type: 'publish', topic: `room-${room}`, data: PAYLOAD })
      for (let i = 0; i < FRAMES_PER_SENDER; i++) socket.send(frame)
    })
    const expected = ROOMS * FRAMES_PER_SENDER
    const deadline = Date.now() + 60_000
    while (rooms.received() < expected) {
      if (Date.now() > deadline) throw new Error(`${kind}: ${rooms.received()} of ${expected} frames delivered within 60 s`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const after = cpu(await metrics(server))
    rooms.close()
    return { cpuPer100k: ((after - before) * 100_000) / expected, deliveries: expected }
  } finally {
    await server.stop()
  }
}

const runs: Record<Path, TypingRun[]> = { direct: [], relay: [] }
for (const path of ORDER) runs[path].push(await typing(path))

const rows: BenchRow[] = []
const summary: Record<string, unknown> = {}
const samples: Record<string, unknown> = {}
for (const path of ['direct', 'relay'] as const) {
  const latencies = runs[path].flatMap((run) => run.latency.latencies)
  const total = percentiles(latencies)
  const bytesPerKey = runs[path].reduce((sum, run) => sum + run.serverBytesPerKey, 0) / runs[path].length
  console.log(`[bench] relay: typing 2 peers, ${path}: ${latencyCell(total)}; server bytes per key ${bytesPerKey.toFixed(0)}`)
  const label = path === 'direct' ? 'over a WebRTC data channel' : "through the server's relay (B without WebRTC)"
  rows.push({ figure: `key press in A → char in B's editor DOM, 2 peers, ${label} (p50 / p95 / p99)`, meshpad: latencyCell(total), anchor: path === 'relay' ? 'the direct path, row above (same run)' : '—', target: '—' })
  rows.push({ figure: `bytes through the signaling server per key press (in + out), ${label}`, meshpad: `${bytesPerKey.toFixed(0)} B`, anchor: '—', target: '—' })
  summary[path] = { total, serverBytesPerKey: bytesPerKey }
  samples[path] = latencies
}
for (const kind of ['publish', 'relay'] as const) {
  const result = await forwarding(kind)
  console.log(`[bench] relay: server CPU per 100k deliveries of 1 KiB as ${kind}: ${result.cpuPer100k.toFixed(2)} s`)
  rows.push({
    figure: `server CPU per 100,000 deliveries of 1 KiB, ${kind === 'relay' ? 'relay frames' : 'publishes (signaling)'}, ${ROOMS} rooms of 2`,
    meshpad: `${result.cpuPer100k.toFixed(2)} s`,
    anchor: kind === 'relay' ? 'publishes, row above (same run)' : '—',
    target: '—',
  })
  summary[`forwarding ${kind}`] = result
}

writeBenchResult({
  name: 'relay',
  title: "The relay of last resort beside the direct path",
  rows,
  summary,
  samples,
  notes: [
    `Typing: ${KEYS} key presses per path (${KEYS_PER_ROOM} in each of two rooms, after 10 unmeasured ones, one every 40 ms); the paths take turns (direct, relay, relay, direct), each on a new server, browser and room. B's page has no RTCPeerConnection (removed before the app's scripts run), so only the relay links it with A; the method is the typing benchmark's (bench/support/typingLatency.ts).`,
    "Server bytes per key: the server's received + sent payload bytes (`/metrics`) over the measured keys, divided by their number: on the direct path only signaling (nearly nothing), through the relay every update and presence change, base64 of ciphertext, in and out.",
    `Forwarding: ${ROOMS} rooms of two Node ws clients on one server process; one client of each room sends ${FRAMES_PER_SENDER} frames of 1 KiB at once, the other receives them; CPU from the server's process_cpu_seconds_total. Rate limits raised so nothing is refused.`,
  ],
})
