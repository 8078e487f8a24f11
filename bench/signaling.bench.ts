import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort } from '../e2e/support/meshpadServer.ts'
import { RedisServer, redisServerPath } from '../e2e/support/redisServer.ts'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import type { LoadCommand, LoadReply } from './support/signalingLoad.ts'
import { cpuSeconds, openFileLimit, settledRss, sleep, spawnRaised } from './support/processStats.ts'

/**
 * Signaling under load, Meshpad's server side by side with y-webrtc's own `bin/server.js` (the
 * stock server), under the same load from a separate load-generator process:
 * - 5,000 WebSockets open, each subscribed to its room (500 rooms of 10), all answering a ping
 *   after sitting idle;
 * - memory per idle subscribed connection: growth of the server's RSS (/proc/PID/status, the same
 *   for both servers) from just started to holding the 5,000, divided by 5,000;
 * - fan-out: in every room one member publishes a 1 KiB message (about the size of an encrypted
 *   y-webrtc offer) and the next one as soon as the room's last member has it, for 5 s; deliveries
 *   per second are publish frames received by all members; server CPU time per 100,000 deliveries.
 * Then the same for Meshpad as two instances sharing a Redis, rooms split across both.
 * About 80 s in all.
 */
const CONNECTIONS = 5000
const ROOM_SIZE = 10
const PAYLOAD_BYTES = 1024
const FANOUT_SECONDS = 5
const ROUNDS = 2
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const MESHPAD_MAIN = `${ROOT}build/signaling/main.js`
const STOCK_SERVER = `${ROOT}node_modules/y-webrtc/bin/server.js`
const LOAD = `${ROOT}bench/support/signalingLoad.ts`
interface Server {
  readonly pid: number
  readonly url: string
  stop(): Promise<void>
}

async function startServer(argv: string[], env: NodeJS.ProcessEnv, readyPath: string): Promise<Server> {
  const port = await freePort()
  const child = spawnRaised(argv, { ...process.env, ...env, PORT: String(port) })
  child.stdout?.resume()
  const deadline = Date.now() + 15_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${argv.join(' ')} exited with ${child.exitCode}`)
    if (Date.now() > deadline) throw new Error(`${argv.join(' ')} did not become ready`)
    const ok = await fetch(`http://127.0.0.1:${port}${readyPath}`).then((r) => r.ok, () => false)
    if (ok) break
    await sleep(50)
  }
  if (openFileLimit(child.pid!) < CONNECTIONS + 100) throw new Error(`open-file limit of the server is ${openFileLimit(child.pid!)}; raise the hard limit (ulimit -Hn) above ${CONNECTIONS + 100}`)
  return {
    pid: child.pid!,
    url: `ws://127.0.0.1:${port}/signaling`,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGKILL')
      await exited
    },
  }
}

function meshpad(redisUrl?: string): Promise<Server> {
  // Limits raised so that they do not bind (5,000 connections from one address, publishers
  // sending as fast as the closed loop allows); they are still checked on every frame.
  const env = {
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    MAX_CONNECTIONS: '100000',
    MAX_CONNECTIONS_PER_ADDRESS: '100000',
    RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_BURST: '1000000',
    // The per-address budgets too (every connection of the load comes from loopback).
    MAX_SUBSCRIPTIONS_PER_ADDRESS: '100000',
    ADDRESS_RATE_LIMIT_PER_SECOND: '100000000',
    ADDRESS_RATE_LIMIT_BURST: '1000000000',
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  }
  return startServer([process.execPath, MESHPAD_MAIN], env, '/healthz')
}

function stock(): Promise<Server> {
  return startServer([process.execPath, STOCK_SERVER], {}, '/')
}

/** The load generator: a process of its own, talking over IPC. */
class Load {
  private readonly child = spawnRaised([process.execPath, '--import', 'tsx', LOAD], process.env, true)

  request<R extends LoadReply>(command: LoadCommand): Promise<R> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`load generator exited with ${code}`))
      this.child.once('exit', onExit)
      this.child.once('message', (reply: R) => {
        this.child.off('exit', onExit)
        resolve(reply)
      })
      this.child.send(command)
    })
  }

  async stop(): Promise<void> {
    await this.request({ cmd: 'close' })
    this.child.kill()
  }
}

interface Measured {
  label: string
  held: number
  connectMs: number
  bytesPerConnection: number
  deliveriesPerSecond: number
  cpuPer100k: number
  latency: ReturnType<typeof percentiles>
  latenciesMs: number[]
}

async function measure(label: string, servers: Server[]): Promise<Measured> {
  const pids = servers.map((server) => server.pid)
  await sleep(500)
  const idle = await settledRss(pids)
  const load = new Load()
  try {
    const connected = await load.request<Extract<LoadReply, { done: 'connect' }>>({ cmd: 'connect', urls: servers.map((s) => s.url), connections: CONNECTIONS, roomSize: ROOM_SIZE, concurrency: 250 })
    if (connected.failed > 0) console.warn(`[bench] ${label}: ${connected.failed} connections failed to open`)
    await sleep(2000)
    const held = await settledRss(pids)
    const verified = await load.request<Extract<LoadReply, { done: 'verify' }>>({ cmd: 'verify' })
    const cpuBefore = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)
    const fan = await load.request<Extract<LoadReply, { done: 'fanout' }>>({ cmd: 'fanout', seconds: FANOUT_SECONDS, warmupSeconds: 1, payloadBytes: PAYLOAD_BYTES })
    const cpu = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0) - cpuBefore
    const measured: Measured = {
      label,
      held: verified.answered,
      connectMs: connected.ms,
      bytesPerConnection: (held - idle) / CONNECTIONS,
      deliveriesPerSecond: fan.deliveries / (fan.ms / 1000),
      // CPU over the warm-up, the measured seconds and the drain; deliveries over the
      // measured seconds only, scaled to the same span.
      cpuPer100k: (cpu / ((fan.deliveries / fan.ms) * (fan.ms + 2000))) * 100_000,
      latency: percentiles(fan.latenciesMs),
      latenciesMs: fan.latenciesMs,
    }
    console.log(
      `[bench] ${label}: ${measured.held}/${CONNECTIONS} held, opened in ${(connected.ms / 1000).toFixed(1)} s, ` +
        `${(measured.bytesPerConnection / 1024).toFixed(1)} KiB/connection, ${Math.round(measured.deliveriesPerSecond)} deliveries/s, ` +
        `${measured.cpuPer100k.toFixed(2)} CPU-s/100k deliveries, latency p50 ${measured.latency.p50.toFixed(1)} ms p99 ${measured.latency.p99.toFixed(1)} ms`,
    )
    return measured
  } finally {
    await load.stop()
  }
}

async function run(label: string, start: () => Promise<Server[]>): Promise<Measured> {
  const servers = await start()
  try {
    return await measure(label, servers)
  } finally {
    await Promise.all(servers.map((server) => server.stop()))
  }
}

if (!existsSync(MESHPAD_MAIN)) throw new Error(`${MESHPAD_MAIN} is missing: run \`npm run build\` (npm run bench does)`)

// The two servers take turns, twice, and each is reported by its better run: on a shared
// machine a run can be slowed by anything else running, and the better run is the less disturbed.
const stockRuns: Measured[] = []
const meshpadRuns: Measured[] = []
for (let round = 1; round <= ROUNDS; round++) {
  stockRuns.push(await run(`y-webrtc bin/server.js (run ${round})`, async () => [await stock()]))
  meshpadRuns.push(await run(`Meshpad, one instance (run ${round})`, async () => [await meshpad()]))
}
const best = (runs: Measured[]): Measured => runs.reduce((a, b) => (b.deliveriesPerSecond > a.deliveriesPerSecond ? b : a))
const stockResult = best(stockRuns)
const meshpadResult = best(meshpadRuns)
let pairResult: Measured | undefined
let redisMissing: string | undefined
try {
  redisServerPath()
} catch (error) {
  redisMissing = error instanceof Error ? error.message : String(error)
  console.warn(`[bench] two instances + Redis not measured: ${redisMissing}`)
}
if (redisMissing === undefined) {
  const redis = await RedisServer.start()
  try {
    pairResult = await run('Meshpad, two instances + Redis', async () => Promise.all([meshpad(redis.url), meshpad(redis.url)]))
  } finally {
    await redis.destroy()
  }
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`
const perSecond = (n: number): string => `${Math.round(n).toLocaleString('en-US')}/s`
const ratio = (ours: number, theirs: number): string => `${(ours / theirs).toFixed(2)}×`
const latency = (m: Measured): string => `p50 ${m.latency.p50.toFixed(1)} ms, p99 ${m.latency.p99.toFixed(1)} ms`
const rooms = `${CONNECTIONS / ROOM_SIZE} rooms of ${ROOM_SIZE}`

const rows: BenchRow[] = [
  {
    figure: `${CONNECTIONS.toLocaleString('en-US')} subscribed connections held (answering a ping after sitting idle)`,
    meshpad: `${meshpadResult.held}/${CONNECTIONS} (opened in ${(meshpadResult.connectMs / 1000).toFixed(1)} s)`,
    anchor: `y-webrtc bin/server.js: ${stockResult.held}/${CONNECTIONS} (opened in ${(stockResult.connectMs / 1000).toFixed(1)} s)`,
    target: `${CONNECTIONS}/${CONNECTIONS}`,
  },
  {
    figure: 'memory per idle subscribed connection (server RSS growth ÷ connections)',
    meshpad: kib(meshpadResult.bytesPerConnection),
    anchor: `y-webrtc bin/server.js: ${kib(stockResult.bytesPerConnection)}; Meshpad/stock ${ratio(meshpadResult.bytesPerConnection, stockResult.bytesPerConnection)}`,
    target: '—',
  },
  {
    figure: `publish fan-out, deliveries per second (${rooms}, 1 KiB payload, one publish in flight per room)`,
    meshpad: perSecond(meshpadResult.deliveriesPerSecond),
    anchor: `y-webrtc bin/server.js: ${perSecond(stockResult.deliveriesPerSecond)}; Meshpad/stock ${ratio(meshpadResult.deliveriesPerSecond, stockResult.deliveriesPerSecond)}`,
    target: '—',
  },
  {
    figure: 'server CPU time per 100,000 deliveries (during that fan-out)',
    meshpad: `${meshpadResult.cpuPer100k.toFixed(2)} s`,
    anchor: `y-webrtc bin/server.js: ${stockResult.cpuPer100k.toFixed(2)} s; Meshpad/stock ${ratio(meshpadResult.cpuPer100k, stockResult.cpuPer100k)}`,
    target: '—',
  },
  {
    figure: 'publish → the room\'s last member has it, under that load',
    meshpad: latency(meshpadResult),
    anchor: `y-webrtc bin/server.js: ${latency(stockResult)}`,
    target: '—',
  },
]
if (pairResult) {
  rows.push(
    {
      figure: `two Meshpad instances sharing a Redis, each room split across both: fan-out deliveries per second (${rooms})`,
      meshpad: `${perSecond(pairResult.deliveriesPerSecond)} (${latency(pairResult)}; ${pairResult.held}/${CONNECTIONS} held)`,
      anchor: 'y-webrtc bin/server.js: one process only',
      target: '—',
    },
    {
      figure: 'two instances + Redis: memory per idle subscribed connection; CPU per 100,000 deliveries (both instances)',
      meshpad: `${kib(pairResult.bytesPerConnection)}; ${pairResult.cpuPer100k.toFixed(2)} s`,
      anchor: '—',
      target: '—',
    },
  )
}

const summary = (m: Measured): Record<string, unknown> => ({
  held: m.held,
  connectMs: Math.round(m.connectMs),
  bytesPerConnection: Math.round(m.bytesPerConnection),
  deliveriesPerSecond: Math.round(m.deliveriesPerSecond),
  cpuSecondsPer100kDeliveries: Number(m.cpuPer100k.toFixed(3)),
  latencyMs: m.latency,
})

writeBenchResult({
  name: 'signaling',
  title: 'Signaling server under load',
  rows,
  summary: Object.fromEntries([...stockRuns, ...meshpadRuns, ...(pairResult ? [pairResult] : [])].map((m) => [m.label, summary(m)])),
  // 500 latency samples per run, evenly spaced (the percentiles above use all of them), to
  // keep the JSON small.
  samples: Object.fromEntries(
    [...stockRuns, ...meshpadRuns, ...(pairResult ? [pairResult] : [])].map((m) => {
      const step = Math.max(1, Math.ceil(m.latenciesMs.length / 500))
      return [`${m.label}: publish → last member (ms), every ${step}th`, m.latenciesMs.filter((_, i) => i % step === 0).map((v) => Number(v.toFixed(1)))]
    }),
  ),
  notes: [
    `Load: ${CONNECTIONS} WebSockets from one load-generator process (bench/support/signalingLoad.ts), server(s) in other processes, all on this machine over loopback; both sides share its cores, so absolute rates are bounded by the generator too — the CPU-time row compares the servers' own work.`,
    'Memory: growth of the server process\'s RSS (VmRSS in /proc) from just started to holding every connection, the same method for both servers: JavaScript objects, native socket state and buffers of the process (the kernel\'s own socket buffers are not in RSS).',
    `Each server ran ${ROUNDS} times, taking turns with the other; the table shows each one's run with the higher fan-out rate (all runs are in the JSON).`,
    ...(redisMissing === undefined ? [] : [`Two instances + Redis not measured: ${redisMissing}`]),
    'Meshpad runs with its limits raised so that none binds (rate limit 1,000,000/s, per-address and total connection caps 100,000); every frame still goes through the checks.',
  ],
})
