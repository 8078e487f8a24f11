import { randomBytes } from 'node:crypto'
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy.js'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ClientOptions } from 'ws'
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
