import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { SignalingServerOptions, SignalingStats } from '../server.js'
import { within } from './conditions.js'

const MAIN = fileURLToPath(new URL('./serverProcessMain.ts', import.meta.url))

/**
 * A signaling server in a child process (Node with --expose-gc, TypeScript through tsx), for
 * tests that measure its memory apart from the clients'. Options must be JSON-serialisable.
 */
export class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    /** `ws://127.0.0.1:PORT` */
    readonly ws: string,
  ) {}

  static async start(options: Omit<SignalingServerOptions, 'logger' | 'staticDir'> = {}): Promise<ServerProcess> {
    const child = fork(MAIN, [JSON.stringify(options)], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const port = await within(
      new Promise<number>((resolve, reject) => {
        child.once('message', (message: { type: string; port: number }) => resolve(message.port))
        child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)))
      }),
      20_000,
    )
    return new ServerProcess(child, `ws://127.0.0.1:${port}`)
  }

  private request<T>(type: 'memory' | 'stats', field: string): Promise<T> {
    return within(
      new Promise<T>((resolve) => {
        const onMessage = (message: Record<string, unknown>): void => {
          if (message.type !== type) return
          this.child.off('message', onMessage)
          resolve(message[field] as T)
        }
        this.child.on('message', onMessage)
        this.child.send({ type })
      }),
      10_000,
    )
  }

  /** The server process's memory after full garbage collections. */
  memory(): Promise<NodeJS.MemoryUsage> {
    return this.request('memory', 'memory')
  }

  stats(): Promise<SignalingStats> {
    return this.request('stats', 'stats')
  }

  /** Closes the server and waits for the process to exit (killed after 5 s). Idempotent. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.send({ type: 'close' })
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(kill)
  }
}
