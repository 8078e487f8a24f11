import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnReady, stopChild } from './childProcess.js'
import { freePort } from './meshpadServer.js'

/**
 * The `redis-server` the tests run: `REDIS_SERVER_PATH`, else Debian's `/usr/bin/redis-server`.
 * With none the run fails with the install hint: a scale-out test that skips proves nothing.
 */
export function redisServerPath(): string {
  const path = process.env.REDIS_SERVER_PATH || '/usr/bin/redis-server'
  if (!existsSync(path)) {
    throw new Error(
      `redis-server not found at ${path}. Install it with \`sudo apt-get install -y redis-server\` ` +
        '(Debian/Ubuntu), or point REDIS_SERVER_PATH at a redis-server binary.',
    )
  }
  return path
}

/** Resolves when a Redis on `port` answers PING with PONG; rejects otherwise. */
function ping(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let reply = ''
    socket.setTimeout(1000, () => socket.destroy(new Error('timeout')))
    socket.once('error', reject)
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      if (!reply.includes('\r\n')) return
      socket.destroy()
      if (reply.startsWith('+PONG')) resolve()
      else reject(new Error(`unexpected reply: ${reply.trim()}`))
    })
  })
}

/**
 * A real `redis-server` on a free loopback port, with no persistence (`--save '' --appendonly
 * no`) and its working files in a temporary directory. `stop()` shuts it down and waits for the
 * exit; `start()` again reuses the port, as an operator restarting Redis would.
 */
export class RedisServer {
  private child: ChildProcess | null = null
  private readonly dir = mkdtempSync(join(tmpdir(), 'meshpad-redis-'))
  /** `redis://127.0.0.1:PORT` */
  readonly url: string

  private constructor(readonly port: number) {
    this.url = `redis://127.0.0.1:${port}`
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort())
    await server.start()
    return server
  }

  /** Starts the server and waits until it answers PING (10 s at most). */
  async start(): Promise<void> {
    if (this.child) return
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir, '--logfile', '']
    this.child = await spawnReady(redisServerPath(), args, {
      name: `redis-server on port ${this.port}`,
      ready: () => ping(this.port).then(() => true),
    })
  }

  /** Stops the server (SIGTERM; SIGKILL after 5 s) and waits for it to exit. Idempotent. */
  async stop(): Promise<void> {
    const child = this.child
    if (!child) return
    this.child = null
    await stopChild(child, 5000)
  }

  /** Stops the server and removes its working directory. */
  async destroy(): Promise<void> {
    await this.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
