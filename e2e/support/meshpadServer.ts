import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const MAIN = fileURLToPath(new URL('../../build/signaling/main.js', import.meta.url))

/** A free TCP port on loopback (the OS picks it; it is released before the server takes it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export interface MeshpadServerOptions {
  /** Extra environment for the server process (e.g. `REDIS_URL`); PORT and HOST are set by us. */
  readonly env?: Readonly<Record<string, string>>
}

/**
 * A real Meshpad server process (`build/signaling/main.js`: the built app plus signaling) on a
 * loopback port. `stop()` sends SIGTERM and waits for the exit; `start()` again reuses the port,
 * as an operator restarting the server would. `start()` returns once `/healthz` answers 200, so
 * with `REDIS_URL` once the server's Redis link is up.
 */
export class MeshpadServer {
  private child: ChildProcess | null = null
  readonly url: string
  readonly signalingUrl: string

  private constructor(
    readonly port: number,
    private readonly env: Readonly<Record<string, string>>,
  ) {
    this.url = `http://127.0.0.1:${port}/`
    this.signalingUrl = `ws://127.0.0.1:${port}/signaling`
  }

  static async start(options: MeshpadServerOptions = {}): Promise<MeshpadServer> {
    const server = new MeshpadServer(await freePort(), options.env ?? {})
    await server.start()
    return server
  }

  async start(): Promise<void> {
    if (this.child) return
    const child = spawn(process.execPath, [MAIN], {
      // NOTE: logs at warn: the info lines of every server would drown the test output.
      env: { ...process.env, LOG_LEVEL: 'warn', ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`Meshpad server exited with ${child.exitCode}:\n${output}`)
      try {
        const response = await fetch(`${this.url}healthz`)
        if (response.ok) return
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`Meshpad server did not become healthy on port ${this.port}:\n${output}`)
  }

  async stop(): Promise<void> {
    const child = this.child
    if (!child) return
    this.child = null
    if (child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
}
