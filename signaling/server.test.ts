import { randomBytes } from 'node:crypto'
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy.js'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ClientOptions } from 'ws'
import { createSignalingServer } from './server.js'
import { waitFor, within } from './testing/conditions.js'
import { SignalingHarness } from './testing/signalingHarness.js'

const harness = new SignalingHarness()
const start = harness.start.bind(harness)
const connect = (url: string, options?: ClientOptions) => harness.connect(url, options)
const tempDirs: string[] = []

afterEach(async () => {
  await harness.cleanup()
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true })
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

    // NOTE: as in the stock server, publishing does not require subscribing.
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

describe('http', () => {
  it('answers GET /healthz with JSON', async () => {
    const { ws, http } = await start()
    const client = await connect(ws)
    await client.subscribe('room')
    const response = await fetch(`${http}/healthz`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toMatchObject({ status: 'ok', connections: 1, topics: 1, redis: 'disabled' })
    expect(typeof body.uptime).toBe('number')
  })

  it('serves the built app with content types, cache policy and security headers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshpad-static-'))
    tempDirs.push(dir)
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Meshpad</title>')
    writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log(1)')
    writeFileSync(join(dir, 'robots.txt'), 'User-agent: *')
    writeFileSync(join(dir, 'sw.js'), 'self.skipWaiting')
    const { http } = await start({ staticDir: dir })

    const index = await fetch(`${http}/`)
    expect(index.status).toBe(200)
    expect(index.headers.get('content-type')).toMatch(/^text\/html/)
    expect(index.headers.get('cache-control')).toBe('no-cache')
    expect(index.headers.get('x-content-type-options')).toBe('nosniff')
    expect(index.headers.get('referrer-policy')).toBe('no-referrer')
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(await index.text()).toContain('<title>Meshpad</title>')
    const etag = index.headers.get('etag')
    expect(etag).toBeTruthy()

    const revalidated = await fetch(`${http}/`, { headers: { 'If-None-Match': etag! } })
    expect(revalidated.status).toBe(304)
    expect(revalidated.headers.get('cache-control')).toBe('no-cache')

    const named = await fetch(`${http}/index.html`)
    expect(named.status).toBe(200)
    expect(named.headers.get('cache-control')).toBe('no-cache')

    const asset = await fetch(`${http}/assets/app-abc123.js`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(await asset.text()).toBe('console.log(1)')

    const robots = await fetch(`${http}/robots.txt`)
    expect(robots.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(robots.headers.get('cache-control')).toMatch(/max-age=\d+.*must-revalidate/)

    const worker = await fetch(`${http}/sw.js`)
    expect(worker.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(worker.headers.get('cache-control')).toBe('no-cache')

    for (const path of ['/assets/app-missing.js', '/missing', '/../package.json', '/%2e%2e/package.json']) {
      const missing = await fetch(`${http}${path}`)
      expect(missing.status, path).toBe(404)
      expect(missing.headers.get('cache-control'), path).toBe('no-store')
    }

    const post = await fetch(`${http}/`, { method: 'POST', body: 'x' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })

  it('answers 404 for every static path without a static directory, or with a missing one', async () => {
    for (const staticDir of [undefined, join(tmpdir(), `meshpad-missing-${randomBytes(6).toString('hex')}`)]) {
      const { http } = await start(staticDir === undefined ? {} : { staticDir })
      for (const path of ['/', '/index.html', '/assets/app.js']) expect((await fetch(`${http}${path}`)).status).toBe(404)
      expect((await fetch(`${http}/healthz`)).status).toBe(200)
    }
  })

  it('serves Prometheus metrics per server: connections, topics, traffic, fan-out, closes and drops, process', async () => {
    const [one, two] = await Promise.all([start(), start()])
    const [a, b] = await Promise.all([connect(one.ws), connect(one.ws)])
    await Promise.all([a!.subscribe('room'), b!.subscribe('room')])
    a!.send({ type: 'publish', topic: 'room', data: 'x' })
    await a!.nextMessage()
    await b!.nextMessage()
    a!.socket.send('not json')
    await a!.expectNothingElse()

    const response = await fetch(`${one.http}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    for (const line of [
      'meshpad_signaling_connections 2',
      'meshpad_signaling_topics 1',
      'meshpad_signaling_subscriptions 2',
      'meshpad_signaling_connections_accepted_total 2',
      'meshpad_signaling_messages_received_total 7',
      'meshpad_signaling_messages_sent_total 5',
      'meshpad_signaling_publishes_total{source="local"} 1',
      'meshpad_signaling_fanout_size_bucket{le="2"} 1',
      'meshpad_signaling_fanout_size_bucket{le="1"} 0',
      'meshpad_signaling_frames_dropped_total{reason="invalid"} 1',
      'meshpad_signaling_frames_dropped_total{reason="binary"} 0',
      'meshpad_signaling_closes_total{reason="rate_limited"} 0',
      `meshpad_signaling_info{instance_id="${one.signaling.instanceId}"} 1`,
    ]) {
      expect(text.split('\n')).toContain(line)
    }
    expect(text).toMatch(/^meshpad_signaling_received_bytes_total \d+$/m)
    expect(text).toMatch(/^process_cpu_user_seconds_total /m)
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m)
    expect(text).not.toContain('meshpad_signaling_redis_up')
    // Another server in the same process counts on its own.
    expect((await (await fetch(`${two.http}/metrics`)).text()).split('\n')).toContain('meshpad_signaling_connections 0')
  })

  it('answers a plain GET /signaling with 426 Upgrade Required', async () => {
    const { http } = await start()
    const response = await fetch(`${http}/signaling`)
    expect(response.status).toBe(426)
  })
})
