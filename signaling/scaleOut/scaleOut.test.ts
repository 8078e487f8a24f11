import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RedisServer } from '../../e2e/support/redisServer.js'
import { DEFAULTS } from '../server.js'
import { TIMEOUT_MS, waitFor } from '../testing/conditions.js'
import { SignalingHarness, type RunningServer } from '../testing/signalingHarness.js'
import type { TestClient } from '../testing/testClient.js'

const harness = new SignalingHarness()
let redis: RedisServer

beforeAll(async () => {
  redis = await RedisServer.start()
})

afterEach(async () => {
  await harness.cleanup()
  await redis.start()
})

afterAll(async () => {
  await redis.destroy()
})

/** Redis' own count of instances subscribed to `topic`'s channel (asked on a connection of its own). */
async function instancesSubscribed(topic: string): Promise<number> {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => {})
  try {
    await client.connect()
    const reply = (await client.pubsub('NUMSUB', DEFAULTS.redisChannelPrefix + topic)) as [string, number]
    return Number(reply[1])
  } finally {
    client.disconnect()
  }
}

async function waitForSubscribedInstances(topic: string, count: number): Promise<void> {
  const deadline = Date.now() + 5000
  while ((await instancesSubscribed(topic)) !== count) {
    if (Date.now() > deadline) throw new Error(`${topic} not subscribed by ${count} instances`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

async function twoInstances(): Promise<[RunningServer, RunningServer]> {
  const one = await harness.start({ redisUrl: redis.url })
  const two = await harness.start({ redisUrl: redis.url })
  await waitFor(() => one.signaling.stats().redis === 'up' && two.signaling.stats().redis === 'up', 5000)
  return [one, two]
}

/** Publish `data` on `topic` from `client`. */
function publish(client: TestClient, topic: string, data: unknown): void {
  client.send({ type: 'publish', topic, data })
}

/** The `data` of every publish `client` has received on `topic`. */
function dataReceived(client: TestClient, topic: string): unknown[] {
  return client.received.filter((m) => (m as { type?: string; topic?: string }).type === 'publish' && (m as { topic: string }).topic === topic).map((m) => (m as { data: unknown }).data)
}

async function healthz(server: RunningServer): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.http}/healthz`)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe('several instances on one Redis', () => {
  it('deliver a publish to the subscribers on every instance exactly once', async () => {
    const [one, two] = await twoInstances()
    const [a1, a2, b1, b2] = await Promise.all([harness.connect(one.ws), harness.connect(one.ws), harness.connect(two.ws), harness.connect(two.ws)])
    await Promise.all([a1, a2, b1, b2].map((client) => client!.subscribe('room')))
    await waitForSubscribedInstances('room', 2)
    const everyone = [a1!, a2!, b1!, b2!]

    for (let i = 0; i < 20; i++) {
      publish(a1!, 'room', `a${i}`)
      publish(b1!, 'room', `b${i}`)
    }
    await waitFor(() => everyone.every((client) => dataReceived(client, 'room').length >= 40))
    // Redis delivers in the order it executed publishes, so a duplicate of any message above
    // (an echo of our own, or a second subscription) would reach each instance before these two,
    // which were sent after Redis had executed all 40.
    publish(a1!, 'room', 'a-last')
    publish(b1!, 'room', 'b-last')
    await waitFor(() => everyone.every((client) => ['a-last', 'b-last'].every((last) => dataReceived(client, 'room').includes(last))))

    const expected = [...Array.from({ length: 20 }, (_, i) => [`a${i}`, `b${i}`]).flat(), 'a-last', 'b-last'].sort()
    for (const client of everyone) expect([...dataReceived(client, 'room')].sort()).toEqual(expected)
    // Each instance's own subscribers, in the order their publisher sent.
    expect(dataReceived(b2!, 'room').filter((d) => String(d).startsWith('a'))).toEqual([...Array.from({ length: 20 }, (_, i) => `a${i}`), 'a-last'])
    // `clients` counts the subscribers on the instance that delivers.
    for (const client of everyone) {
      const publishes = client.received.filter((m) => (m as { type: string }).type === 'publish')
      expect(new Set(publishes.map((m) => (m as { clients: number }).clients))).toEqual(new Set([2]))
    }
    expect(one.signaling.stats()).toMatchObject({ redisPublished: 21, redisReceived: 21 })
  })

  it('carry relay frames (the relay of last resort) to the topic’s other subscribers on every instance, in order, never as publishes', async () => {
    const [one, two] = await twoInstances()
    const [a1, a2, b1] = await Promise.all([harness.connect(one.ws), harness.connect(one.ws), harness.connect(two.ws)])
    await Promise.all([a1, a2, b1].map((client) => client!.subscribe('room')))
    await waitForSubscribedInstances('room', 2)

    for (let i = 0; i < 10; i++) a1!.send({ type: 'relay', topic: 'room', data: `frame${i}` })
    const frames = (client: TestClient): unknown[] => client.received.filter((m) => (m as { type?: string }).type === 'relay').map((m) => (m as { data: unknown }).data)
    const expected = Array.from({ length: 10 }, (_, i) => `frame${i}`)
    await waitFor(() => frames(b1!).length === 10 && frames(a2!).length === 10)
    expect(frames(b1!)).toEqual(expected)
    expect(frames(a2!)).toEqual(expected)
    await a1!.expectNothingElse()
    expect(dataReceived(b1!, 'room')).toEqual([])
  })

  it('does not relay a topic to an instance without subscribers to it', async () => {
    const [one, two] = await twoInstances()
    const [a, b] = await Promise.all([harness.connect(one.ws), harness.connect(two.ws)])
    await a!.subscribe('here-only')
    await b!.subscribe('elsewhere')
    await waitForSubscribedInstances('here-only', 1)
    publish(a!, 'here-only', 'x')
    expect(await a!.nextMessage()).toMatchObject({ data: 'x', clients: 1 })
    await b!.expectNothingElse()
    await b!.unsubscribe('elsewhere')
    await waitForSubscribedInstances('elsewhere', 0)
    expect(two.signaling.stats().redisReceived).toBe(0)
  })

  it('keep local fan-out while Redis is down, drop rather than queue cross-instance publishes, and resume when it returns', async () => {
    const [one, two] = await twoInstances()
    const [a1, a2, b1] = await Promise.all([harness.connect(one.ws), harness.connect(one.ws), harness.connect(two.ws)])
    await Promise.all([a1!.subscribe('room'), a2!.subscribe('room'), b1!.subscribe('room', 'closed-while-down')])
    await waitForSubscribedInstances('room', 2)
    publish(a1!, 'room', 'before')
    expect(await b1!.nextMessage()).toMatchObject({ data: 'before' })

    await redis.stop()
    await waitFor(() => one.signaling.stats().redis === 'down' && two.signaling.stats().redis === 'down', 5000)
    expect(await healthz(one)).toMatchObject({ status: 503, body: { status: 'unhealthy', redis: 'down' } })
    expect(await (await fetch(`${one.http}/metrics`)).text()).toMatch(/^meshpad_signaling_redis_up 0$/m)

    // Local fan-out goes on; nothing reaches the other instance, and nothing is queued for later.
    for (let i = 0; i < 500; i++) publish(a1!, 'room', `while-down-${i}`)
    await waitFor(() => dataReceived(a1!, 'room').length === 501 && dataReceived(a2!, 'room').length === 501)
    expect(one.signaling.stats().dropped.redis_unavailable).toBe(500)
    // Topics opened and closed while Redis is away.
    const b2 = await harness.connect(two.ws)
    await b2.subscribe('opened-while-down')
    await b1!.unsubscribe('closed-while-down')
    const a3 = await harness.connect(one.ws)
    await a3.subscribe('opened-while-down')

    await redis.start()
    await waitFor(() => one.signaling.stats().redis === 'up' && two.signaling.stats().redis === 'up', 5000)
    expect(await healthz(two)).toMatchObject({ status: 200, body: { status: 'ok', redis: 'up' } })
    expect(await instancesSubscribed('room')).toBe(2)
    expect(await instancesSubscribed('opened-while-down')).toBe(2)
    expect(await instancesSubscribed('closed-while-down')).toBe(0)

    publish(a1!, 'room', 'after')
    publish(a3, 'opened-while-down', 'new topic')
    expect(await b1!.nextMessage(TIMEOUT_MS)).toMatchObject({ topic: 'room', data: 'after' })
    expect(await b2.nextMessage(TIMEOUT_MS)).toMatchObject({ topic: 'opened-while-down', data: 'new topic' })
    await b1!.expectNothingElse()
    expect(dataReceived(b1!, 'room')).toEqual(['before', 'after'])
  })

  it('start unhealthy when Redis is unreachable, serve local clients, and recover when it appears', async () => {
    await redis.stop()
    const one = await harness.start({ redisUrl: redis.url })
    await waitFor(() => one.signaling.stats().redis === 'down', 5000)
    expect(await healthz(one)).toMatchObject({ status: 503, body: { redis: 'down' } })
    const [a, b] = await Promise.all([harness.connect(one.ws), harness.connect(one.ws)])
    await Promise.all([a!.subscribe('room'), b!.subscribe('room')])
    publish(a!, 'room', 'local')
    expect(await b!.nextMessage()).toMatchObject({ data: 'local', clients: 2 })

    await redis.start()
    await waitFor(() => one.signaling.stats().redis === 'up', 5000)
    expect(await instancesSubscribed('room')).toBe(1)
    expect((await healthz(one)).status).toBe(200)
  })
})
