import { randomBytes, randomInt } from 'node:crypto'
import type { Socket } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { TIMEOUT_MS, waitFor, within } from '../testing/conditions.js'
import { ServerProcess } from '../testing/serverProcess.js'
import { TestClient } from '../testing/testClient.js'

/**
 * Hostile input against a real server with its default limits, in a process of its own so that its
 * memory can be measured after garbage collection. Afterwards a normal client must be answered as
 * usual (within the same timeout as every other test) and the server's memory must be back near
 * where it started.
 */

let server: ServerProcess
const clients: TestClient[] = []

beforeAll(async () => {
  // A per-address limit below the 150 of phase 5 (the default fits a school behind one NAT).
  server = await ServerProcess.start({ maxConnectionsPerAddress: 128 })
}, 30_000)

afterAll(async () => {
  for (const client of clients) client.socket.terminate()
  await server.stop()
})

async function connect(options?: ConstructorParameters<typeof TestClient>[1]): Promise<TestClient> {
  const client = new TestClient(server.ws, options)
  clients.push(client)
  await client.opened()
  return client
}

/** Round-trip times of `count` pings, in ms. */
async function pingTimes(client: TestClient, count: number): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const started = performance.now()
    await client.expectNothingElse()
    times.push(performance.now() - started)
  }
  return times
}

function median(samples: number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? NaN
}

const MiB = 1024 * 1024
/** How long the server may take to work through one hostile phase (on a busy 2-core machine). */
const PHASE_TIMEOUT_MS = 20_000

function deep(depth: number, open: string, close: string, inner = '0'): string {
  return open.repeat(depth) + inner + close.repeat(depth)
}

/** Every kind of malformed frame, as text. */
function malformedFrames(): string[] {
  return [
    randomBytes(randomInt(1, 2048)).toString('latin1'),
    randomBytes(randomInt(1, 2048)).toString('base64'),
    '{"type":"publish","topic":"room","data":' + deep(30_000, '[', ']'),
    '{"type":"publish","topic":"room","data":' + deep(30_000, '[', ']') + '}',
    '{"type":"publish","topic":"room","data":' + deep(6_000, '{"a":', '}') + '}',
    '{"type":"subscribe","topics":' + deep(30_000, '[', ']', '"room"') + '}',
    JSON.stringify({ type: 'subscribe', topics: Array.from({ length: 6000 }, (_, i) => i) }),
    JSON.stringify({ type: 'subscribe', topics: 'room' }),
    JSON.stringify({ type: 'subscribe', topics: [null] }),
    JSON.stringify({ type: 'unsubscribe', topics: { length: 1, 0: 'room' } }),
    JSON.stringify({ type: 'publish', topic: ['room'], data: 1 }),
    JSON.stringify({ type: 'publish', topic: { toString: 'room' }, data: 1 }),
    JSON.stringify({ type: 'publish', topic: 'x'.repeat(60_000), data: 1 }),
    JSON.stringify({ type: 'publish', topic: 'room' }),
    JSON.stringify({ type: ['ping'] }),
    JSON.stringify({ type: null }),
    JSON.stringify({ type: 'PING' }),
    JSON.stringify({ type: 'hello' }),
    JSON.stringify({ type: 'pong' }),
    JSON.stringify({ type: 'publish-all', topic: 'room', data: 1 }),
    '{"__proto__":{"type":"ping"},"constructor":{"prototype":{"polluted":true}}}',
    '[' + '"x",'.repeat(15_000) + '"x"]',
    'null',
    '',
  ]
}

it('survives hostile input: answers a normal client as usual, memory back near baseline', { timeout: 120_000 }, async () => {
  const normal = await connect()
  const peer = await connect()
  await normal.subscribe('room')
  await peer.subscribe('room')
  // Warm-up: every code path once, so the baseline includes compiled code and lazy allocations.
  const warm = await connect()
  for (const frame of malformedFrames()) warm.socket.send(frame)
  warm.socket.send(randomBytes(100))
  await warm.expectNothingElse(PHASE_TIMEOUT_MS)
  warm.socket.terminate()
  peer.send({ type: 'publish', topic: 'room', data: 'warm' })
  expect(await normal.nextMessage()).toMatchObject({ data: 'warm' })
  expect(await peer.nextMessage()).toMatchObject({ data: 'warm' })
  await waitFor(async () => (await server.stats()).connections === 2)
  const rttBefore = await pingTimes(normal, 50)
  const before = await server.memory()

  // 1. 12,000 frames of random bytes and malformed JSON over 12 connections (each under the rate
  // limit's burst), binary and text alike: every one is dropped, no connection is closed.
  const senders = await Promise.all(Array.from({ length: 12 }, () => connect()))
  let sent = 0
  await Promise.all(
    senders.map(async (sender, index) => {
      for (let i = 0; i < 1000 - 1; i++, sent++) {
        if (i % 2 === 0) sender.socket.send(randomBytes(randomInt(1, 4096)))
        else sender.socket.send(i % 25 === 1 ? malformedFrames()[index % 24]! : randomBytes(randomInt(1, 4096)).toString('latin1'))
      }
      await sender.expectNothingElse(PHASE_TIMEOUT_MS)
    }),
  )
  expect(sent).toBeGreaterThanOrEqual(10_000)
  const afterRandom = await server.stats()
  expect(afterRandom.dropped.binary + afterRandom.dropped.invalid).toBeGreaterThanOrEqual(sent)
  expect(afterRandom.connections).toBe(2 + senders.length)

  // 2. Frames far over the size limit (1009), invalid UTF-8 in a text frame (1007).
  const huge = await Promise.all(Array.from({ length: 5 }, () => connect()))
  for (const client of huge) client.socket.send(JSON.stringify({ type: 'publish', topic: 'room', data: 'x'.repeat(4 * MiB) }))
  for (const client of huge) expect((await within(client.closed, PHASE_TIMEOUT_MS)).code).toBe(1009)
  const badUtf8 = await connect()
  badUtf8.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })
  expect((await within(badUtf8.closed, PHASE_TIMEOUT_MS)).code).toBe(1007)

  // 3. Floods past the rate limit: closed with 1008 after the burst.
  const flooders = await Promise.all(Array.from({ length: 3 }, () => connect()))
  for (const flooder of flooders) for (let i = 0; i < 3000; i++) flooder.send({ type: 'publish', topic: 'flood', data: i })
  for (const flooder of flooders) expect((await within(flooder.closed, PHASE_TIMEOUT_MS)).code).toBe(1008)

  // 4. Sockets that never read, subscribed to a busy topic: closed once their queue passes the bound.
  const stalled = await Promise.all(Array.from({ length: 3 }, () => connect()))
  for (const client of stalled) {
    await client.subscribe('room')
    ;(client.socket as unknown as { _socket: Socket })._socket.pause()
  }
  const payload = randomBytes(45_000).toString('base64')
  const receivedBefore = normal.received.length
  // How much the kernel's loopback buffers absorb before the server's own queue grows
  // varies, so the peer publishes (within its rate limit) until every stalled socket is closed.
  const publisher = await connect()
  let published = 0
  while ((await server.stats()).closed.slow_receiver < stalled.length && published < 900) {
    for (let i = 0; i < 50; i++, published++) publisher.send({ type: 'publish', topic: 'room', data: payload })
    await publisher.expectNothingElse(PHASE_TIMEOUT_MS)
  }
  expect((await server.stats()).closed.slow_receiver).toBe(stalled.length)
  await waitFor(() => normal.received.length === receivedBefore + published, PHASE_TIMEOUT_MS)

  // 5. A connection flood from one address: handshakes past the per-address limit refused (429).
  const flood = Array.from({ length: 150 }, () => {
    const client = new TestClient(server.ws)
    clients.push(client)
    return client
  })
  const outcomes = await Promise.all(
    flood.map((client) => within(Promise.race([new Promise((resolve) => client.socket.once('open', () => resolve('open'))), client.refusedWith]), PHASE_TIMEOUT_MS)),
  )
  const refused = outcomes.filter((outcome) => outcome === 429).length
  expect(refused).toBeGreaterThan(0)
  expect(refused + outcomes.filter((outcome) => outcome === 'open').length).toBe(flood.length)
  expect((await server.stats()).refused.address_full).toBe(refused)

  // Everything hostile goes away.
  for (const client of [...senders, ...stalled, publisher, ...flood]) client.socket.terminate()
  await waitFor(async () => (await server.stats()).connections === 2, PHASE_TIMEOUT_MS)

  // The normal client is answered as usual, and fan-out works.
  normal.takeQueued()
  peer.takeQueued()
  const rttAfter = await pingTimes(normal, 50)
  peer.send({ type: 'publish', topic: 'room', data: 'after' })
  expect(await normal.nextMessage(TIMEOUT_MS)).toEqual({ type: 'publish', topic: 'room', data: 'after', clients: 2 })
  const stats = await server.stats()
  expect(stats).toMatchObject({ connections: 2, topics: 1, subscriptions: 2 })
  expect(stats.closed).toMatchObject({ message_too_big: 5, protocol_error: 1, rate_limited: 3, slow_receiver: 3 })

  const after = await server.memory()
  const grew = { heapUsed: after.heapUsed - before.heapUsed, arrayBuffers: after.arrayBuffers - before.arrayBuffers, rss: after.rss - before.rss }
  console.log(
    `[figure] hostile input: ping RTT median ${median(rttBefore).toFixed(2)} ms before, ${median(rttAfter).toFixed(2)} ms after; ` +
      `server heap after GC ${(before.heapUsed / MiB).toFixed(1)} → ${(after.heapUsed / MiB).toFixed(1)} MiB, ` +
      `array buffers ${(before.arrayBuffers / MiB).toFixed(2)} → ${(after.arrayBuffers / MiB).toFixed(2)} MiB, rss ${(before.rss / MiB).toFixed(0)} → ${(after.rss / MiB).toFixed(0)} MiB`,
  )
  // Bounds on what a leak would show: this run pushed tens of MiB of frames through ~180
  // connections; keeping even a few bytes per frame, or any frame, would pass them. What remains
  // (~0.5 MiB here) levels off over repeated runs: compiled code and lazily built internals.
  expect(grew.heapUsed).toBeLessThan(2 * MiB)
  expect(grew.arrayBuffers).toBeLessThan(1 * MiB)
})
