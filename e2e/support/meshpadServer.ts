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
  /** The built app to serve (`STATIC_DIR`); default: the project's `dist/`. */
  readonly staticDir?: string
}

/**
 * A real Meshpad server process (`build/signaling/main.js`: the built app plus signaling) on a
 * loopback port. `stop()` sends SIGTERM and waits for the exit; `start()` again reuses the port,
 * as an operator restarting the server would (a deploy: the files in `staticDir` changed).
 */
export class MeshpadServer {
  private child: ChildProcess | null = null
  readonly url: string
  readonly signalingUrl: string

  private constructor(
    readonly port: number,
    private readonly options: MeshpadServerOptions,
  ) {
    this.url = `http://127.0.0.1:${port}/`
    this.signalingUrl = `ws://127.0.0.1:${port}/signaling`
  }

  static async start(options: MeshpadServerOptions = {}): Promise<MeshpadServer> {
    const server = new MeshpadServer(await freePort(), options)
    await server.start()
    return server
  }

  async start(): Promise<void> {
    if (this.child) return
    const staticDir = this.options.staticDir === undefined ? {} : { STATIC_DIR: this.options.staticDir }
    const child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', ...staticDir },
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
