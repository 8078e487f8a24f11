import { request } from 'node:http'
import type { Socket } from 'node:net'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { CLOSE_POLICIES, type CloseReason, type RefusalReason, type SubscriptionRefusal } from '../closeReasons.js'
import type { SignalingServerOptions } from '../server.js'
import { waitFor, within } from '../testing/conditions.js'
import { SignalingHarness, type RunningServer } from '../testing/signalingHarness.js'
import type { TestClient } from '../testing/testClient.js'

const harness = new SignalingHarness()
afterEach(() => harness.cleanup())

interface Observed extends RunningServer {
  /** Every log line the server wrote, parsed. */
  readonly logs: Record<string, unknown>[]
}

/** A server whose JSON log lines are collected. */
async function start(options: SignalingServerOptions = {}): Promise<Observed> {
  const logs: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      callback()
    },
  })
  const running = await harness.start({ logger: pino({ level: 'info' }, sink), ...options })
  return { ...running, logs }
}

type Counted = { closed: CloseReason } | { refused: RefusalReason } | { subscriptionsRefused: SubscriptionRefusal }

/** The breach was counted (stats and /metrics) `times` times and logged with its reason. */
async function expectCountedAndLogged(server: Observed, breach: Counted, times = 1): Promise<void> {
  const [kind, reason] = Object.entries(breach)[0] as [keyof Counted & string, string]
  const metric = { closed: 'closes_total', refused: 'connections_refused_total', subscriptionsRefused: 'subscriptions_refused_total' }[kind]
  await waitFor(() => (server.signaling.stats()[kind as 'closed'] as Record<string, number>)[reason] === times)
  const metrics = await (await fetch(`${server.http}/metrics`)).text()
  expect(metrics.split('\n')).toContain(`meshpad_signaling_${metric}{reason="${reason}"} ${times}`)
  await waitFor(() => server.logs.some((line) => line.reason === reason))
}

/** The raw HTTP answer to a WebSocket upgrade request on `/signaling`. */
function upgradeResponse(http: string): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return within(
    new Promise((resolve, reject) => {
      const req = request(`${http}/signaling`, {
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      })
      req.on('response', (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }))
      })
      req.on('upgrade', () => reject(new Error('upgraded')))
      req.on('error', reject)
      req.end()
    }),
  )
}

/** `client` still gets its own pong and a fan-out from someone else on `topic`. */
async function expectUnaffected(client: TestClient, publisher: TestClient, topic: string): Promise<void> {
  await client.expectNothingElse()
  publisher.send({ type: 'publish', topic, data: 'still served' })
  expect(await client.nextMessage()).toMatchObject({ type: 'publish', topic, data: 'still served' })
}

describe('each limit turns down only the client that broke it, with its answer', () => {
  it('MAX_MESSAGE_BYTES: a larger frame closes with 1009', async () => {
    const server = await start({ maxMessageBytes: 1024 })
    const [big, other, publisher] = await Promise.all([harness.connect(server.ws), harness.connect(server.ws), harness.connect(server.ws)])
    await Promise.all([big!.subscribe('room'), other!.subscribe('room')])
    big!.send({ type: 'publish', topic: 'room', data: 'x'.repeat(2000) })
    expect((await within(big!.closed)).code).toBe(1009)
    await expectCountedAndLogged(server, { closed: 'message_too_big' })
    // A frame just under the limit passes.
    publisher!.send({ type: 'publish', topic: 'room', data: 'x'.repeat(900) })
    expect(await other!.nextMessage()).toMatchObject({ data: 'x'.repeat(900) })
    await expectUnaffected(other!, publisher!, 'room')
  })

  it('MAX_TOPICS_PER_CONNECTION: subscriptions past the limit are ignored, the connection stays', async () => {
    const server = await start({ maxTopicsPerConnection: 3 })
    const [greedy, other, publisher] = await Promise.all([harness.connect(server.ws), harness.connect(server.ws), harness.connect(server.ws)])
    await greedy!.subscribe('t1', 't2')
    await other!.subscribe('t1', 't2', 't3')
    await greedy!.subscribe('t2', 't3', 't4', 't5')
    await expectCountedAndLogged(server, { subscriptionsRefused: 'too_many_topics' }, 2)
    expect(server.signaling.stats()).toMatchObject({ subscriptions: 6, topics: 3 })
    // It still gets what it subscribed to (t3 was the last that fitted), nothing of t4.
    publisher!.send({ type: 'publish', topic: 't3', data: 'in' })
    publisher!.send({ type: 'publish', topic: 't4', data: 'out' })
    expect(await greedy!.nextMessage()).toMatchObject({ topic: 't3', data: 'in' })
    await greedy!.expectNothingElse()
    // Leaving a topic makes room for another.
    await greedy!.unsubscribe('t1')
    await greedy!.subscribe('t4')
    expect(server.signaling.stats().subscriptionsRefused.too_many_topics).toBe(2)
    other!.takeQueued()
    await expectUnaffected(other!, publisher!, 't3')
  })

  it('MAX_TOPICS: a subscription that would open one topic too many is ignored; existing topics stay open', async () => {
    const server = await start({ maxTopics: 2 })
    const [a, b, late, publisher] = await Promise.all([1, 2, 3, 4].map(() => harness.connect(server.ws)))
    await a!.subscribe('t1')
    await b!.subscribe('t2')
    await late!.subscribe('t1', 't3', 't2')
    await expectCountedAndLogged(server, { subscriptionsRefused: 'topics_full' })
    expect(server.signaling.stats()).toMatchObject({ topics: 2, subscriptions: 4 })
    await expectUnaffected(a!, publisher!, 't1')
    expect(await late!.nextMessage()).toMatchObject({ topic: 't1' })
    await expectUnaffected(b!, publisher!, 't2')
  })

  it('RATE_LIMIT_PER_SECOND/RATE_LIMIT_BURST: a burst passes, one frame more closes with 1008', async () => {
    const server = await start({ rateLimit: { perSecond: 1, burst: 50 } })
    const [flooder, other, publisher] = await Promise.all([harness.connect(server.ws), harness.connect(server.ws), harness.connect(server.ws)])
    await other!.subscribe('room')
    for (let i = 0; i < 49; i++) flooder!.send({ type: 'ping' })
    await waitFor(() => flooder!.received.length === 49)
    for (let i = 0; i < 1000; i++) flooder!.send({ type: 'publish', topic: 'room', data: i })
    expect(await within(flooder!.closed)).toEqual({ code: 1008, reason: CLOSE_POLICIES.rate_limited.reason })
    await expectCountedAndLogged(server, { closed: 'rate_limited' })
    // The 50th frame was the last one allowed: `other` got exactly one publish from the flood.
    expect(await other!.nextMessage()).toEqual({ type: 'publish', topic: 'room', data: 0, clients: 1 })
    await other!.expectNothingElse()
    await expectUnaffected(other!, publisher!, 'room')
  })

  it('MAX_CONNECTIONS_PER_ADDRESS: the handshake of one connection more from an address is refused with 429; other addresses connect', async () => {
    const server = await start({ maxConnectionsPerAddress: 2 })
    const first = await harness.connect(server.ws)
    await harness.connect(server.ws)
    expect(await within(harness.client(server.ws).refusedWith)).toBe(429)
    await expectCountedAndLogged(server, { refused: 'address_full' })
    expect(await upgradeResponse(server.http)).toMatchObject({ status: 429, retryAfter: '10', body: 'too many connections from this address' })
    // Another loopback address is another client.
    const elsewhere = await harness.connect(server.ws, { localAddress: '127.0.0.2' })
    await elsewhere.subscribe('room')
    await first.subscribe('room')
    await expectUnaffected(first, elsewhere, 'room')
    // A slot frees when a connection closes.
    first.socket.close()
    await waitFor(() => server.signaling.stats().connections === 2)
    await (await harness.connect(server.ws)).expectNothingElse()
  })

  it('TRUST_PROXY: behind a proxy, the limit counts the forwarded client address, not the proxy', async () => {
    const server = await start({ maxConnectionsPerAddress: 1, trustProxy: 1 })
    const forwarded = (address: string) => ({ headers: { 'X-Forwarded-For': address } })
    const a = await harness.connect(server.ws, forwarded('198.51.100.1'))
    const b = await harness.connect(server.ws, forwarded('198.51.100.2'))
    // A client cannot escape by forging the header: the proxy appends the address it saw.
    expect(await within(harness.client(server.ws, forwarded('203.0.113.9, 198.51.100.1')).refusedWith)).toBe(429)
    await expectCountedAndLogged(server, { refused: 'address_full' })
    expect(server.logs.find((line) => line.reason === 'address_full')).toMatchObject({ address: '198.51.100.1' })
    await Promise.all([a.subscribe('room'), b.subscribe('room')])
    await expectUnaffected(a, b, 'room')
  })

  it('MAX_CONNECTIONS: the handshake of one connection more than the server holds is refused with 503', async () => {
    const server = await start({ maxConnections: 2 })
    const [a, b] = await Promise.all([harness.connect(server.ws), harness.connect(server.ws, { localAddress: '127.0.0.2' })])
    expect(await within(harness.client(server.ws, { localAddress: '127.0.0.3' }).refusedWith)).toBe(503)
    await expectCountedAndLogged(server, { refused: 'server_full' })
    await Promise.all([a!.subscribe('room'), b!.subscribe('room')])
    await expectUnaffected(a!, b!, 'room')
  })

  it('MAX_BUFFERED_BYTES: a receiver that does not read is closed with 1008 instead of buffering without bound', async () => {
    const server = await start({ maxBufferedBytes: 256 * 1024, rateLimit: false })
    const [stalled, other, publisher] = await Promise.all([harness.connect(server.ws), harness.connect(server.ws), harness.connect(server.ws)])
    await Promise.all([stalled!.subscribe('room'), other!.subscribe('room')])
    const stalledSocket = (stalled!.socket as unknown as { _socket: Socket })._socket
    stalledSocket.pause()
    const data = 'x'.repeat(60_000)
    let published = 0
    for (; published < 400 && server.signaling.stats().closed.slow_receiver === 0; published++) {
      publisher!.send({ type: 'publish', topic: 'room', data })
      await publisher!.expectNothingElse()
    }
    await expectCountedAndLogged(server, { closed: 'slow_receiver' })
    // Every publish reached the reader, and the server queued at most the limit plus one frame
    // (and whatever the kernel's socket buffers hold) for the one that does not read.
    await waitFor(() => other!.received.length === 1 + published)
    other!.takeQueued()
    expect(published).toBeLessThan(400)
    stalledSocket.resume()
    expect(await within(stalled!.closed)).toEqual({ code: 1008, reason: CLOSE_POLICIES.slow_receiver.reason })
    await expectUnaffected(other!, publisher!, 'room')
  })

  it('ALLOWED_ORIGINS: the handshake from another origin, or none, is refused with 403', async () => {
    const server = await start({ allowedOrigins: ['https://meshpad.example'] })
    const allowed = await harness.connect(server.ws, { origin: 'https://meshpad.example' })
    expect(await within(harness.client(server.ws, { origin: 'https://evil.example' }).refusedWith)).toBe(403)
    await expectCountedAndLogged(server, { refused: 'origin_not_allowed' })
    expect(await within(harness.client(server.ws).refusedWith)).toBe(403)
    const alsoAllowed = await harness.connect(server.ws, { origin: 'https://meshpad.example' })
    await Promise.all([allowed.subscribe('room'), alsoAllowed.subscribe('room')])
    await expectUnaffected(allowed, alsoAllowed, 'room')
  })

  it('HEARTBEAT_MS: a connection that does not answer pings is destroyed (1006 at the client)', async () => {
    const server = await start({ heartbeatMs: 40 })
    const [silent, healthy] = await Promise.all([harness.connect(server.ws, { autoPong: false }), harness.connect(server.ws)])
    expect((await within(silent!.closed)).code).toBe(1006)
    await expectCountedAndLogged(server, { closed: 'heartbeat_timeout' })
    await healthy!.subscribe('room')
    await expectUnaffected(healthy!, healthy!, 'room')
  })

  it("refused at the door, y-webrtc's client backs off instead of reconnecting at once", async () => {
    const server = await start({ maxConnectionsPerAddress: 1 })
    await harness.connect(server.ws)
    // lib0/websocket (y-webrtc's signaling client) uses the global WebSocket of a browser.
    Object.assign(globalThis, { WebSocket })
    const { WebsocketClient } = await import('lib0/websocket')
    const client = new WebsocketClient(server.ws)
    try {
      await waitFor(() => server.signaling.stats().refused.address_full >= 3, 5000)
      const attempts = server.signaling.stats().refused.address_full
      await new Promise((resolve) => setTimeout(resolve, 1000))
      // Backing off, it tries about once a second at most (2.5 s apart after a few tries); closing
      // an opened connection instead makes it reconnect at once, hundreds of times a second.
      expect(server.signaling.stats().refused.address_full - attempts).toBeLessThanOrEqual(2)
    } finally {
      client.destroy()
    }
  })
})
