import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULTS } from '../server.js'
import { waitFor, within } from '../testing/conditions.js'
import { SignalingHarness } from '../testing/signalingHarness.js'
import type { TestClient } from '../testing/testClient.js'

const harness = new SignalingHarness()
afterEach(() => harness.cleanup())

/**
 * Clients are told apart by address through a trusted proxy hop: the server believes the
 * `X-Forwarded-For` of a loopback peer (TRUST_PROXY=loopback), as behind a reverse proxy.
 */
const BEHIND_PROXY = { trustProxy: ['loopback'] } as const

async function clientFrom(ws: string, address: string): Promise<TestClient> {
  return harness.connect(`${ws}/signaling`, { headers: { 'X-Forwarded-For': address } })
}

async function metric(http: string, name: string, reason: string): Promise<number> {
  const text = await (await fetch(`${http}/metrics`)).text()
  const line = text.split('\n').find((entry) => entry.startsWith(`meshpad_signaling_${name}{reason="${reason}"}`))
  return Number(line?.split(' ')[1])
}

/** Two honest people from two more addresses meet in a new room: a publish reaches the other. */
async function honestPeopleMeet(ws: string): Promise<void> {
  const a = await clientFrom(ws, '203.0.113.10')
  const b = await clientFrom(ws, '203.0.113.11')
  await a.subscribe('a-new-room')
  await b.subscribe('a-new-room')
  a.send({ type: 'publish', topic: 'a-new-room', data: 'hello' })
  expect(await b.nextMessage()).toEqual({ type: 'publish', topic: 'a-new-room', data: 'hello', clients: 2 })
}

describe('per-address budgets', () => {
  it('100,000 topic subscriptions from four addresses take a small share; the rest are ignored and counted, new rooms still open', async () => {
    const { http, ws, signaling } = await harness.start({ ...BEHIND_PROXY })
    const addresses = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '2001:db8:1:2::5']
    const perConnection = 250
    const connectionsPerAddress = 100
    let next = 0
    for (const address of addresses) {
      const clients = await Promise.all(Array.from({ length: connectionsPerAddress }, () => clientFrom(ws, address)))
      for (const client of clients) client.send({ type: 'subscribe', topics: Array.from({ length: perConnection }, () => `stranger-${next++}`) })
      await Promise.all(clients.map((client) => client.expectNothingElse(10_000)))
    }
    expect(next).toBe(100_000)
    // Checked first: without per-address budgets the four filled the topic table.
    await honestPeopleMeet(ws)
    const held = signaling.stats()
    expect(held.subscriptions - 2).toBe(addresses.length * 3000)
    expect(DEFAULTS.maxSubscriptionsPerAddress).toBe(3000)
    expect(held.subscriptionsRefused.address_topics).toBe(100_000 - (held.subscriptions - 2))
    expect(held.topics).toBeLessThan(DEFAULTS.maxTopics / 5)
    expect(await metric(http, 'subscriptions_refused_total', 'address_topics')).toBe(held.subscriptionsRefused.address_topics)
    // Another /64 of the same IPv6 network counts separately; the same /64 does not.
    const sameSlash64 = await clientFrom(ws, '2001:db8:1:2::99')
    await sameSlash64.subscribe('one-more')
    expect(signaling.stats().subscriptionsRefused.address_topics).toBe(held.subscriptionsRefused.address_topics + 1)
  }, 60_000)

  it('connections past the per-address budget are refused with 429 (counted); others still connect', async () => {
    const { ws, signaling } = await harness.start({ ...BEHIND_PROXY, maxConnectionsPerAddress: 5 })
    await Promise.all(Array.from({ length: 5 }, () => clientFrom(ws, '198.51.100.7')))
    const refused = harness.client(`${ws}/signaling`, { headers: { 'X-Forwarded-For': '198.51.100.7' } })
    expect(await within(refused.refusedWith)).toBe(429)
    expect(signaling.stats().refused.address_full).toBe(1)
    await honestPeopleMeet(ws)
  })

  it("an address's frames past its rate are dropped and counted, its connections kept; another address is untouched", async () => {
    const { http, ws, signaling } = await harness.start({ ...BEHIND_PROXY, addressRateLimit: { perSecond: 1, burst: 200 }, rateLimit: false })
    const flooders = await Promise.all(Array.from({ length: 4 }, () => clientFrom(ws, '198.51.100.8')))
    const watcher = await clientFrom(ws, '203.0.113.20')
    await watcher.subscribe('flooded')
    for (const flooder of flooders) for (let i = 0; i < 100; i++) flooder.send({ type: 'publish', topic: 'flooded', data: i })
    await waitFor(() => signaling.stats().received >= 400 + 2)
    await waitFor(() => signaling.stats().dropped.address_rate_limited >= 190)
    const publishes = watcher.received.filter((message) => (message as { type: string }).type === 'publish').length
    expect(publishes + signaling.stats().dropped.address_rate_limited).toBeLessThanOrEqual(400)
    expect(publishes).toBeLessThanOrEqual(202)
    expect(await metric(http, 'frames_dropped_total', 'address_rate_limited')).toBe(signaling.stats().dropped.address_rate_limited)
    for (const flooder of flooders) expect(flooder.socket.readyState).toBe(flooder.socket.OPEN)
    await honestPeopleMeet(ws)
  })

  it("the operator's exempt address keeps 10,000 rooms on one connection; a stranger's connection asking as much keeps its 256", async () => {
    const { ws, signaling } = await harness.start({ ...BEHIND_PROXY, exemptAddresses: ['203.0.113.5'] })
    // Topics as Meshpad's (64 hex characters), 500 to a frame as the always-on peer sends them.
    const topic = (owner: string, n: number) => `${owner}${'0'.repeat(56)}${String(n).padStart(8 - owner.length, '0')}`
    const subscribeAll = (client: TestClient, owner: string) => {
      for (let batch = 0; batch < 20; batch++) client.send({ type: 'subscribe', topics: Array.from({ length: 500 }, (_, i) => topic(owner, batch * 500 + i)) })
    }
    const peer = await clientFrom(ws, '203.0.113.5')
    subscribeAll(peer, 'a')
    await peer.expectNothingElse(10_000)
    expect(signaling.stats()).toMatchObject({ subscriptions: 10_000, subscriptionsRefused: { too_many_topics: 0, address_topics: 0 } })

    const stranger = await clientFrom(ws, '198.51.100.31')
    subscribeAll(stranger, 'b')
    await stranger.expectNothingElse(10_000)
    expect(signaling.stats()).toMatchObject({ subscriptions: 10_000 + DEFAULTS.maxTopicsPerConnection, subscriptionsRefused: { too_many_topics: 10_000 - DEFAULTS.maxTopicsPerConnection } })

    const visitor = await clientFrom(ws, '198.51.100.30')
    await visitor.subscribe(topic('a', 9_999))
    visitor.send({ type: 'publish', topic: topic('a', 9_999), data: 'hi' })
    expect(await peer.nextMessage()).toEqual({ type: 'publish', topic: topic('a', 9_999), data: 'hi', clients: 2 })
  })
})
