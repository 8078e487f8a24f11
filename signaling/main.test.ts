import { spawn, type ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor, within } from './testing/conditions.js'
import { TestClient } from './testing/testClient.js'

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))
const children: ChildProcess[] = []
const clients: TestClient[] = []

afterEach(() => {
  for (const client of clients.splice(0)) client.socket.terminate()
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

interface Started {
  readonly child: ChildProcess
  /** Every stdout line, parsed (pino JSON). */
  readonly logs: Record<string, unknown>[]
  readonly stderr: () => string
  readonly exited: Promise<number | null>
}

/** `node signaling/main.ts` (through tsx) with `env` on top of a clean environment. */
function run(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const logs: Record<string, unknown>[] = []
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
    const lines = stdout.split('\n')
    stdout = lines.pop() ?? ''
    for (const line of lines) logs.push(JSON.parse(line) as Record<string, unknown>)
  })
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, logs, stderr: () => stderr, exited }
}

async function listeningPort(started: Started): Promise<number> {
  await waitFor(() => started.logs.some((line) => typeof line.port === 'number' && line.msg !== undefined && String(line.msg).startsWith('Meshpad: http')), 20_000)
  return started.logs.find((line) => typeof line.port === 'number')!.port as number
}

describe('main', () => {
  it('refuses an invalid variable: exits 2 naming it, before listening', async () => {
    const started = run({ MAX_TOPICS: 'lots' })
    expect(await within(started.exited, 20_000)).toBe(2)
    expect(started.stderr()).toContain('MAX_TOPICS must be an integer')
    expect(started.logs).toEqual([])
  })

  it('refuses half a TURN or TLS setup: exits 2 naming the variable', async () => {
    const turn = run({ TURN_URLS: 'turn:203.0.113.5:3478' })
    const tls = run({ TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: '/nonexistent/key.pem' })
    expect(await within(turn.exited, 20_000)).toBe(2)
    expect(turn.stderr()).toContain('TURN_SECRET must be set')
    expect(await within(tls.exited, 20_000)).toBe(2)
    expect(tls.stderr()).toContain('TLS_CERT_FILE must name a readable PEM file')
  })

  it('logs JSON lines without topics at info, and on SIGTERM closes clients with 1012 and exits 0 within SHUTDOWN_TIMEOUT_MS', async () => {
    const started = run({ SHUTDOWN_TIMEOUT_MS: '1000', LOG_LEVEL: 'info', STATIC_DIR: '/nonexistent-meshpad-dist' })
    const port = await listeningPort(started)
    const url = `ws://127.0.0.1:${port}/signaling`
    const [a, b, stalled] = [new TestClient(url), new TestClient(url), new TestClient(url)]
    clients.push(a, b, stalled)
    await Promise.all([a.opened(), b.opened(), stalled.opened()])
    const topic = 'f'.repeat(64)
    await Promise.all([a.subscribe(topic), b.subscribe(topic)])
    a.send({ type: 'publish', topic, data: 'hello' })
    expect(await b.nextMessage()).toMatchObject({ data: 'hello' })
    // One client that will never answer the closing handshake.
    ;(stalled.socket as unknown as { _socket: Socket })._socket.pause()

    started.child.kill('SIGTERM')
    expect(await within(a.closed)).toEqual({ code: 1012, reason: 'server restarting' })
    expect((await within(b.closed)).code).toBe(1012)
    // Exit 0, not the hard exit (1) at SHUTDOWN_TIMEOUT_MS: the stalled client did not hold it up.
    expect(await within(started.exited, 10_000)).toBe(0)

    for (const line of started.logs) expect(line).toMatchObject({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) })
    expect(started.logs.find((line) => line.level === 40)).toMatchObject({ staticDir: '/nonexistent-meshpad-dist' })
    expect(started.logs.map((line) => line.msg)).toEqual(expect.arrayContaining(['shutdown requested', 'shutting down', 'shut down']))
    const output = JSON.stringify(started.logs)
    expect(output).not.toContain(topic)
    expect(output).not.toContain('hello')
  })
})
