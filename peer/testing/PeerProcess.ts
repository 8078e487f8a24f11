import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** Node with tsx as a loader (not the `tsx` command), so signals reach the peer itself. */
const NODE_ARGS = ['--import', pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href, join(ROOT, 'peer/main.ts')]

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

/** Polls `condition` until it holds; rejects after `timeoutMs` with `describe()`. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, describe: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await Promise.resolve(condition()).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${describe()}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/**
 * A real always-on peer process (`peer/main.ts`) for peer tests: its stdout and stderr are
 * collected, `/healthz` and `/metrics` are on a free port. `stop()` ends it (SIGTERM).
 */
export class PeerProcess {
  stdout = ''
  stderr = ''

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()))
  }

  /** Starts the peer with `args`; `stdin` (if given) is written to its standard input and closed. */
  static async start(args: readonly string[], stdin?: string): Promise<PeerProcess> {
    const port = await freePort()
    const child = spawn(process.execPath, [...NODE_ARGS, ...args], { env: { ...process.env, PEER_PORT: String(port) }, stdio: ['pipe', 'pipe', 'pipe'] })
    if (stdin !== undefined) child.stdin.end(stdin)
    const peer = new PeerProcess(child, port)
    // NOTE: 'close' (not 'exit'): by then everything it wrote has been read.
    const closed = new Promise<never>((_, reject) => child.once('close', (code) => reject(new Error(`the peer exited with ${code}: ${peer.stdout}${peer.stderr}`))))
    await Promise.race([
      waitUntil(
        async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).status > 0,
        () => `the peer answering /healthz:\n${peer.stdout}${peer.stderr}`,
      ),
      closed,
    ])
    return peer
  }

  async rooms(): Promise<number> {
    return ((await (await fetch(`http://127.0.0.1:${this.port}/healthz`)).json()) as { rooms: number }).rooms
  }

  /** A line of `/metrics` by its full name with labels, e.g. `x_total{reason="mode"}`, as a number. */
  async metric(nameWithLabels: string): Promise<number> {
    const text = await (await fetch(`http://127.0.0.1:${this.port}/metrics`)).text()
    const line = text.split('\n').find((row) => row.startsWith(`${nameWithLabels} `))
    return line === undefined ? NaN : Number(line.slice(nameWithLabels.length + 1))
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.kill('SIGTERM')
    await exited
  }
}
