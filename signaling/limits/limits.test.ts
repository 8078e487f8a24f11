import type { Socket } from 'node:net'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { CLOSE_POLICIES, type CloseReason } from '../closeReasons.js'
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

/** The breach was counted once (stats and /metrics) and logged with its reason. */
async function expectCountedAndLogged(server: Observed, reason: CloseReason): Promise<void> {
  await waitFor(() => server.signaling.stats().closed[reason] === 1)
  const metrics = await (await fetch(`${server.http}/metrics`)).text()
  expect(metrics).toContain(`meshpad_signaling_closes_total{reason="${reason}"} 1`)
  await waitFor(() => server.logs.some((line) => line.reason === reason))
}

/** `client` still gets its own pong and a fan-out from someone else on `topic`. */
async function expectUnaffected(client: TestClient, publisher: TestClient, topic: string): Promise<void> {
  await client.expectNothingElse()
  publisher.send({ type: 'publish', topic, data: 'still served' })
  expect(await client.nextMessage()).toMatchObject({ type: 'publish', topic, data: 'still served' })
}

describe('each limit closes only the connection that broke it, with its code', () => {
  it('MAX_MESSAGE_BYTES: a larger frame closes with 1009', async () => {
    const server = await start({ maxMessageBytes: 1024 })
    const [big, other, publisher] = await Promise.all([harness.connect(server.ws), harness.connect(server.ws), harness.connect(server.ws)])
    await Promise.all([big!.subscribe('room'), other!.subscribe('room')])
    big!.send({ type: 'publish', topic: 'room', data: 'x'.repeat(2000) })
    expect((await within(big!.closed)).code).toBe(1009)
    await expectCountedAndLogged(server, 'message_too_big')
    // A frame just under the limit passes.
    publisher!.send({ type: 'publish', topic: 'room', data: 'x'.repeat(900) })
    expect(await other!.nextMessage()).toMatchObject({ data: 'x'.repeat(900) })
    await expectUnaffected(other!, publisher!, 'room')
  })

  it('MAX_TOPICS_PER_CONNECTION: one topic more closes with 1008', async () => {
    const server = await start({ maxTopicsPerConnection: 3 })
    const [greedy, other, publisher] = await Promise.all([harness.connect(server.ws), harness.connect(server.ws), harness.connect(server.ws)])
    await greedy!.subscribe('t1', 't2', 't3')
    await other!.subscribe('t1', 't2', 't3')
    greedy!.send({ type: 'subscribe', topics: ['t4'] })
    expect(await within(greedy!.closed)).toEqual({ code: 1008, reason: CLOSE_POLICIES.too_many_topics.reason })
    await expectCountedAndLogged(server, 'too_many_topics')
    await expectUnaffected(other!, publisher!, 't3')
    // Its subscriptions are gone with it.
    await waitFor(() => server.signaling.stats().subscriptions === 3)
  })

  it('MAX_TOPICS: a subscription opening one topic too many closes with 1013; existing topics stay open', async () => {
    const server = await start({ maxTopics: 2 })
    const [a, b, late, publisher] = await Promise.all([1, 2, 3, 4].map(() => harness.connect(server.ws)))
    await a!.subscribe('t1')
    await b!.subscribe('t2')
    await late!.subscribe('t1', 't2')
    late!.send({ type: 'subscribe', topics: ['t3'] })
    expect(await within(late!.closed)).toEqual({ code: 1013, reason: CLOSE_POLICIES.topics_full.reason })
    await expectCountedAndLogged(server, 'topics_full')
    await expectUnaffected(a!, publisher!, 't1')
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
    await expectCountedAndLogged(server, 'rate_limited')
    // The 50th frame was the last one allowed: `other` got exactly one publish from the flood.
    expect(await other!.nextMessage()).toEqual({ type: 'publish', topic: 'room', data: 0, clients: 1 })
    await other!.expectNothingElse()
    await expectUnaffected(other!, publisher!, 'room')
  })

  it('MAX_CONNECTIONS_PER_ADDRESS: one connection more from an address closes with 1013; other addresses connect', async () => {
    const server = await start({ maxConnectionsPerAddress: 2 })
    const first = await harness.connect(server.ws)
    await harness.connect(server.ws)
    const third = harness.client(server.ws)
    expect(await within(third.closed)).toEqual({ code: 1013, reason: CLOSE_POLICIES.address_full.reason })
    await expectCountedAndLogged(server, 'address_full')
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
    const again = harness.client(server.ws, forwarded('203.0.113.9, 198.51.100.1'))
    expect((await within(again.closed)).code).toBe(1013)
    await expectCountedAndLogged(server, 'address_full')
    expect(server.logs.find((line) => line.reason === 'address_full')).toMatchObject({ address: '198.51.100.1' })
    await Promise.all([a.subscribe('room'), b.subscribe('room')])
    await expectUnaffected(a, b, 'room')
  })

  it('MAX_CONNECTIONS: one connection more than the server holds closes with 1013', async () => {
    const server = await start({ maxConnections: 2 })
    const [a, b] = await Promise.all([harness.connect(server.ws), harness.connect(server.ws, { localAddress: '127.0.0.2' })])
    const extra = harness.client(server.ws, { localAddress: '127.0.0.3' })
    expect(await within(extra.closed)).toEqual({ code: 1013, reason: CLOSE_POLICIES.server_full.reason })
    await expectCountedAndLogged(server, 'server_full')
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
    await expectCountedAndLogged(server, 'slow_receiver')
    // Every publish reached the reader, and the server queued at most the limit plus one frame
    // (and whatever the kernel's socket buffers hold) for the one that does not read.
    await waitFor(() => other!.received.length === 1 + published)
    other!.takeQueued()
    expect(published).toBeLessThan(400)
    stalledSocket.resume()
    expect(await within(stalled!.closed)).toEqual({ code: 1008, reason: CLOSE_POLICIES.slow_receiver.reason })
    await expectUnaffected(other!, publisher!, 'room')
  })

  it('ALLOWED_ORIGINS: another origin, or none, is closed with 1008', async () => {
    const server = await start({ allowedOrigins: ['https://meshpad.example'] })
    const allowed = await harness.connect(server.ws, { origin: 'https://meshpad.example' })
    const foreign = harness.client(server.ws, { origin: 'https://evil.example' })
    expect(await within(foreign.closed)).toEqual({ code: 1008, reason: CLOSE_POLICIES.origin_not_allowed.reason })
    await expectCountedAndLogged(server, 'origin_not_allowed')
    const none = harness.client(server.ws)
    expect((await within(none.closed)).code).toBe(1008)
    const alsoAllowed = await harness.connect(server.ws, { origin: 'https://meshpad.example' })
    await Promise.all([allowed.subscribe('room'), alsoAllowed.subscribe('room')])
    await expectUnaffected(allowed, alsoAllowed, 'room')
  })

  it('HEARTBEAT_MS: a connection that does not answer pings is destroyed (1006 at the client)', async () => {
    const server = await start({ heartbeatMs: 40 })
    const [silent, healthy] = await Promise.all([harness.connect(server.ws, { autoPong: false }), harness.connect(server.ws)])
    expect((await within(silent!.closed)).code).toBe(1006)
    await expectCountedAndLogged(server, 'heartbeat_timeout')
    await healthy!.subscribe('room')
    await expectUnaffected(healthy!, healthy!, 'room')
  })
})
