import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TurnClient } from './turnClient.js'

/** The coturn configuration docs/connecting-across-networks.md tells operators to deploy. */
export const SHIPPED_COTURN_CONFIG = fileURLToPath(new URL('../../deploy/coturn/turnserver.conf', import.meta.url))

/** The placeholder the shipped config uses for the server's own public address. */
export const PUBLIC_ADDRESS_PLACEHOLDER = 'CHANGE-ME-203.0.113.10'

async function freeUdpishPort(): Promise<number> {
  // A free TCP port on loopback; coturn listens on it over UDP and TCP alike.
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

/**
 * The shipped config, changed only where a test machine differs from a server: it listens and
 * relays on loopback (a free port, a small relay range), the placeholders get the documentation
 * address `publicAddress` and `secret`, it logs to stdout, and it has no TLS port (no certificate).
 * `no-loopback-peers` stays, so peers are only asked for, never sent to.
 */
export function testCoturnConfig(port: number, secret: string, publicAddress: string): string {
  const shipped = readFileSync(SHIPPED_COTURN_CONFIG, 'utf8')
  const lines = shipped
    .split('\n')
    .filter((line) => !/^(listening-port|tls-listening-port|min-port|max-port|external-ip|syslog|simple-log)\b/.test(line))
    .map((line) => line.replaceAll(PUBLIC_ADDRESS_PLACEHOLDER, publicAddress).replace(/^static-auth-secret=.*$/, `static-auth-secret=${secret}`))
  return [...lines, `listening-port=${port}`, 'listening-ip=127.0.0.1', 'relay-ip=127.0.0.1', 'no-tls', 'no-dtls', `min-port=${port + 1}`, `max-port=${port + 200}`, 'log-file=stdout', 'pidfile=/dev/null'].join('\n')
}

/** A real coturn (Debian's `turnserver`) on loopback with the shipped config; `stop()` ends it. */
export class CoturnProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    readonly output: string[],
  ) {}

  static async start(secret: string, publicAddress: string, timeoutMs = 10_000): Promise<CoturnProcess> {
    const port = await freeUdpishPort()
    const dir = mkdtempSync(join(tmpdir(), 'meshpad-coturn-'))
    const config = join(dir, 'turnserver.conf')
    writeFileSync(config, testCoturnConfig(port, secret, publicAddress))
    const child = spawn('turnserver', ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] })
    const output: string[] = []
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    const coturn = new CoturnProcess(child, dir, port, output)
    // Ready once it answers an Allocate (with 401: no credentials given); polled until the deadline.
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (child.exitCode !== null) throw new Error(`turnserver exited (${child.exitCode}): ${output.join('')}`)
      const probe = new TurnClient('127.0.0.1', port, 'probe', 'probe')
      const answer = await probe.allocate(250).catch(() => null)
      probe.close()
      if (answer !== null) return coturn
      if (Date.now() > deadline) {
        await coturn.stop()
        throw new Error(`turnserver did not answer within ${timeoutMs} ms: ${output.join('')}`)
      }
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve))
      this.child.kill('SIGTERM')
      await exited
    }
    rmSync(this.dir, { recursive: true, force: true })
  }
}
