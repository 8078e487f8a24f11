import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { spawnReady, stopChild } from './childProcess.js'
import { freePort } from './meshpadServer.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const MAIN = join(ROOT, 'peer/main.ts')
/**
 * Node with tsx as a loader, not the `tsx` command: that one runs the script in a child
 * process, so SIGKILL and SIGHUP would reach tsx and not the peer.
 */
const NODE_ARGS = ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, MAIN]

/** What the peer's `/healthz` answers. */
export interface PeerHealth {
  readonly ok: boolean
  readonly rooms: number
  readonly loaded: number
  /** Rooms with an open session (waking included); the others sleep until someone comes. */
  readonly awake: number
  readonly waitingToWake: number
  readonly peers: number
  readonly signaling: Readonly<Record<'connected' | 'connecting' | 'reconnecting' | 'unreachable', number>>
  readonly lastWriteAt: number | null
}

/**
 * A real always-on peer process (`tsx peer/main.ts`) with its LevelDB in a temporary directory
 * that outlives restarts. `start()` returns once `/healthz` answers 200; `kill()` is SIGKILL,
 * `stop()` SIGTERM; `destroy()` stops it and removes the directory.
 */
export class AlwaysOnPeerProcess {
  private child: ChildProcess | null = null

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly args: readonly string[],
  ) {}

  /** Starts a peer keeping the rooms of `args` (links, `--rooms FILE`). */
  static async start(args: readonly string[]): Promise<AlwaysOnPeerProcess> {
    const peer = await AlwaysOnPeerProcess.create(args)
    await peer.start()
    return peer
  }

  /** Like `start`, without starting it: its data directory can be prepared first. */
  static async create(args: readonly string[]): Promise<AlwaysOnPeerProcess> {
    const dir = await mkdtemp(join(tmpdir(), 'meshpad-peer-'))
    return new AlwaysOnPeerProcess(join(dir, 'data'), await freePort(), args)
  }

  /** A value of its Prometheus `/metrics`, e.g. `meshpad_peer_process_resident_memory_bytes`. */
  async metric(name: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text()
    const line = text.split('\n').find((row) => row.startsWith(`${name} `))
    if (line === undefined) throw new Error(`no metric ${name}`)
    return Number(line.slice(name.length + 1))
  }

  async start(): Promise<void> {
    if (this.child) return
    this.child = await spawnReady(process.execPath, [...NODE_ARGS, '--data', this.dataDir, ...this.args], {
      name: `always-on peer on port ${this.port}`,
      env: { ...process.env, PEER_PORT: String(this.port) },
      ready: async () => (await fetch(`http://127.0.0.1:${this.port}/healthz`)).ok,
      timeoutMs: 30_000,
    })
  }

  async health(): Promise<PeerHealth> {
    return (await (await fetch(`http://127.0.0.1:${this.port}/healthz`)).json()) as PeerHealth
  }

  /** SIGTERM: the peer writes every room and exits; resolves once it has. */
  async stop(): Promise<void> {
    const child = this.child
    this.child = null
    if (child) await stopChild(child)
  }

  /** SIGHUP: the peer re-reads its rooms file. */
  hangUp(): void {
    this.child?.kill('SIGHUP')
  }

  /** SIGKILL: no chance to write anything more. */
  async kill(): Promise<void> {
    const child = this.child
    this.child = null
    if (!child || child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGKILL')
    await exited
  }

  async destroy(): Promise<void> {
    await this.stop()
    await rm(join(this.dataDir, '..'), { recursive: true, force: true })
  }
}

/** Runs the peer with `args` to its exit (for refusals): its exit code and everything it printed. */
export function runPeerToExit(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the peer did not exit:\n${output}`))
    }, 30_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}
