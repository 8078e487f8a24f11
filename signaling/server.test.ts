import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ClientOptions } from 'ws'
import { createSignalingServer } from './server.js'
import { waitFor, within } from './testing/conditions.js'
import { SignalingHarness } from './testing/signalingHarness.js'

const harness = new SignalingHarness()
const start = harness.start.bind(harness)
const connect = (url: string, options?: ClientOptions) => harness.connect(url, options)

afterEach(async () => {
  await harness.cleanup()
  vi.restoreAllMocks()
})

describe('signaling', () => {
  it('fans a publish out to every subscriber of its topic, the sender included, with the subscriber count', async () => {
    const { ws } = await start()
    const [a, b, c, other] = await Promise.all([connect(`${ws}/signaling`), connect(`${ws}/signaling`), connect(`${ws}/signaling`), connect(`${ws}/signaling`)])
    await Promise.all([a!.subscribe('room'), b!.subscribe('room'), c!.subscribe('room'), other!.subscribe('elsewhere')])

    a!.send({ type: 'publish', topic: 'room', data: { type: 'announce', from: 'a' } })
    const expected = { type: 'publish', topic: 'room', data: { type: 'announce', from: 'a' }, clients: 3 }
    for (const receiver of [a!, b!, c!]) expect(await receiver.nextMessage()).toEqual(expected)
    await other!.expectNothingElse()
    for (const receiver of [a!, b!, c!]) await receiver.expectNothingElse()

    // As in the stock server, publishing does not require subscribing.
    other!.send({ type: 'publish', topic: 'room', data: 1 })
    for (const receiver of [a!, b!, c!]) expect(await receiver.nextMessage()).toEqual({ type: 'publish', topic: 'room', data: 1, clients: 3 })
    await other!.expectNothingElse()
  })

  it('serialises a fan-out once, not once per receiver', async () => {
    const { ws } = await start()
    const stringifyCalls = async (receiverCount: number): Promise<number> => {
      const topic = `room-${receiverCount}`
      const receivers = await Promise.all(Array.from({ length: receiverCount }, () => connect(ws)))
      await Promise.all(receivers.map((receiver) => receiver.subscribe(topic)))
      const publisher = await connect(ws)
      const frame = JSON.stringify({ type: 'publish', topic, data: { x: 'y' } })
      const stringify = vi.spyOn(JSON, 'stringify')
      publisher.socket.send(frame)
      for (const receiver of receivers) expect(await receiver.nextMessage()).toEqual({ type: 'publish', topic, data: { x: 'y' }, clients: receiverCount })
      const calls = stringify.mock.calls.length
      stringify.mockRestore()
      return calls
    }
    const forOne = await stringifyCalls(1)
    expect(forOne).toBeGreaterThan(0)
    expect(await stringifyCalls(8)).toBe(forOne)
  })

  it('stops delivering after unsubscribe and deletes the emptied topic', async () => {
    const { ws, signaling } = await start()
    const [a, b] = await Promise.all([connect(ws), connect(ws)])
    await Promise.all([a!.subscribe('room'), b!.subscribe('room', 'other')])
    expect(signaling.stats()).toMatchObject({ topics: 2, subscriptions: 3 })

    await b!.unsubscribe('room', 'other', 'never-subscribed')
    expect(signaling.stats()).toMatchObject({ topics: 1, subscriptions: 1 })
    a!.send({ type: 'publish', topic: 'room', data: 'hi' })
    expect(await a!.nextMessage()).toEqual({ type: 'publish', topic: 'room', data: 'hi', clients: 1 })
    await b!.expectNothingElse()
  })

  it('removes a closed socket from every topic', async () => {
    const { ws, signaling } = await start()
    const [a, b] = await Promise.all([connect(ws), connect(ws)])
    await Promise.all([a!.subscribe('t1', 't2'), b!.subscribe('t1', 't2')])
    expect(signaling.stats()).toMatchObject({ connections: 2, topics: 2, subscriptions: 4 })

    a!.socket.close()
    await waitFor(() => signaling.stats().subscriptions === 2)
    b!.send({ type: 'publish', topic: 't1', data: 0 })
    expect(await b!.nextMessage()).toEqual({ type: 'publish', topic: 't1', data: 0, clients: 1 })

    b!.socket.terminate()
    await waitFor(() => signaling.stats().connections === 0)
    expect(signaling.stats()).toMatchObject({ topics: 0, subscriptions: 0 })
  })

  it('answers ping with pong', async () => {
    const { ws } = await start()
    const client = await connect(ws)
    client.send({ type: 'ping' })
    expect(await client.nextMessage()).toEqual({ type: 'pong' })
  })

  it('drops and counts malformed frames without replying, and keeps serving', async () => {
    const { ws, signaling } = await start()
    const bad = await connect(ws)
    await bad.subscribe('room')
    const malformed: (string | Buffer)[] = [
      '',
      '{',
      'not json',
      'null',
      '42',
      '[]',
      '"ping"',
      JSON.stringify({ type: 'hello' }),
      JSON.stringify({ type: 5 }),
      JSON.stringify({ type: 'pong' }),
      JSON.stringify({ type: 'subscribe', topics: 'x' }),
      JSON.stringify({ type: 'subscribe', topics: [5] }),
      JSON.stringify({ type: 'subscribe' }),
      JSON.stringify({ type: 'unsubscribe', topics: { 0: 'room' } }),
      JSON.stringify({ type: 'publish', topic: 5, data: 1 }),
      JSON.stringify({ type: 'publish', topic: '', data: 1 }),
      JSON.stringify({ type: 'publish', topic: 'x'.repeat(257), data: 1 }),
      JSON.stringify({ type: 'publish', topic: 'room' }),
      Buffer.from(JSON.stringify({ type: 'ping' })),
      Buffer.from(JSON.stringify({ type: 'publish', topic: 'room', data: 1 })),
      randomBytes(64),
      Buffer.alloc(0),
    ]
    for (let i = 0; i < 100; i++) bad.socket.send(malformed[i % malformed.length]!)
    await bad.expectNothingElse()
    const { dropped } = signaling.stats()
    const binary = Array.from({ length: 100 }, (_, i) => malformed[i % malformed.length]).filter((frame) => Buffer.isBuffer(frame)).length
    expect(dropped).toMatchObject({ binary, invalid: 100 - binary })
    expect(signaling.stats()).toMatchObject({ connections: 1, topics: 1, subscriptions: 1 })

    const good = await connect(ws)
    await good.subscribe('room')
    good.send({ type: 'publish', topic: 'room', data: 'still here' })
    const expected = { type: 'publish', topic: 'room', data: 'still here', clients: 2 }
    expect(await good.nextMessage()).toEqual(expected)
    expect(await bad.nextMessage()).toEqual(expected)
    expect(signaling.stats().closed).toMatchObject({ rate_limited: 0, protocol_error: 0 })
  })

  it('relays a y-webrtc client message (base64 ciphertext as data) with identical data', async () => {
    const { ws } = await start()
    const topic = randomBytes(32).toString('hex')
    const data = randomBytes(300).toString('base64')
    const [sender, receiver] = await Promise.all([connect(ws), connect(ws)])
    await Promise.all([sender!.subscribe(topic), receiver!.subscribe(topic)])
    const raw = new Promise<string>((resolve) => receiver!.socket.once('message', (frame) => resolve(String(frame))))
    sender!.socket.send(`{"type":"publish","topic":"${topic}","data":"${data}"}`)
    const relayed = JSON.parse(await raw) as Record<string, unknown>
    expect(Object.keys(relayed).sort()).toEqual(['clients', 'data', 'topic', 'type'])
    expect(relayed).toEqual({ type: 'publish', topic, data, clients: 2 })
  })

  it('accepts upgrades on /signaling, on / (stock y-webrtc clients) and on any other path', async () => {
    const { ws } = await start()
    const clientsByPath = await Promise.all(['/signaling', '/', '/any/path?room=x'].map((path) => connect(`${ws}${path}`)))
    await Promise.all(clientsByPath.map((client) => client.subscribe('shared')))
    clientsByPath[1]!.send({ type: 'publish', topic: 'shared', data: 'from /' })
    for (const client of clientsByPath) expect(await client.nextMessage()).toEqual({ type: 'publish', topic: 'shared', data: 'from /', clients: 3 })
  })

  it('closes gracefully and idempotently: 1012 to every socket, then no more connections', async () => {
    const { ws, http, signaling } = await start()
    const [a, b] = await Promise.all([connect(ws), connect(ws)])
    await a!.subscribe('room')
    const first = signaling.close()
    expect(signaling.close()).toBe(first)
    await first
    expect(await within(a!.closed)).toEqual({ code: 1012, reason: 'server restarting' })
    expect((await within(b!.closed)).code).toBe(1012)
    expect(signaling.stats().closed.shutdown).toBe(2)
    expect(signaling.stats()).toMatchObject({ connections: 0, topics: 0 })
    expect(signaling.server.listening).toBe(false)
    await signaling.close()
    await expect(signaling.listen()).rejects.toThrow()
    await expect(fetch(`${http}/healthz`)).rejects.toThrow()
  })

  it('closes a server that never listened', async () => {
    const signaling = createSignalingServer({ port: 0, host: '127.0.0.1' })
    await signaling.close()
    await expect(signaling.listen()).rejects.toThrow()
  })
})
