import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { spawnReady, stopChild } from './childProcess.js'

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
  /** Extra environment for the server process (e.g. `REDIS_URL`); PORT and HOST are set by us. */
  readonly env?: Readonly<Record<string, string>>
}

/**
 * A real Meshpad server process (`build/signaling/main.js`: the built app plus signaling) on a
 * loopback port. `stop()` sends SIGTERM and waits for the exit; `start()` again reuses the port,
 * as an operator restarting the server would (a deploy: the files in `staticDir` changed).
 * `start()` returns once `/healthz` answers 200, so with `REDIS_URL` once the server's Redis link is up.
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
    this.child = await spawnReady(process.execPath, [MAIN], {
      name: `Meshpad server on port ${this.port}`,
      // Logs at warn: the info lines of every server would drown the test output.
      env: { ...process.env, LOG_LEVEL: 'warn', ...this.options.env, ...staticDir, PORT: String(this.port), HOST: '127.0.0.1' },
      ready: async () => (await fetch(`${this.url}healthz`)).ok,
    })
  }

  async stop(): Promise<void> {
    const child = this.child
    if (!child) return
    this.child = null
    await stopChild(child)
  }
}
