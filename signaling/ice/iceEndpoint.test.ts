import { request } from 'node:https'
import { afterEach, describe, expect, it } from 'vitest'
import { readIceConfig } from './iceConfig.js'
import { within } from '../testing/conditions.js'
import { SignalingHarness } from '../testing/signalingHarness.js'
import { makeTestCertificate } from '../testing/testCertificate.js'

const harness = new SignalingHarness()
type IceBody = { iceServers: { urls: string[]; username?: string; credential?: string }[]; expiresAt: number }
afterEach(() => harness.cleanup())

/** GET over https, trusting only `ca`. */
function httpsGet(url: string, ca: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => (body += chunk.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
      .on('error', reject)
      .end()
  })
}

describe('GET /ice-servers', () => {
  it('answers no ICE servers when none are configured, never cached', async () => {
    const { http } = await harness.start()
    const res = await fetch(`${http}/ice-servers`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(await res.json()).toEqual({ iceServers: [], expiresAt: null })
  })

  it('issues TURN credentials to an address in a room, the same ones to every request of that address, with their expiry', async () => {
    const ice = readIceConfig({ STUN_URLS: 'stun:203.0.113.5:3478', TURN_URLS: 'turn:203.0.113.5:3478?transport=udp', TURN_SECRET: 'north', TURN_TTL_SECONDS: '600' })
    const { http, ws } = await harness.start({ ice })
    const member = await harness.connect(`${ws}/signaling`)
    await member.subscribe('room')
    const before = Date.now()
    const [first, second] = await Promise.all([1, 2].map(async () => (await fetch(`${http}/ice-servers`)).json() as Promise<IceBody>))
    expect(first!.iceServers.map((server) => server.urls)).toEqual([['stun:203.0.113.5:3478'], ['turn:203.0.113.5:3478?transport=udp']])
    expect(first!.iceServers[1]!.username).toMatch(/^\d+:[\w-]+$/)
    expect(first!.iceServers[1]!.username).toBe(second!.iceServers[1]!.username)
    expect(first!.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 600_000)
    expect(first!.expiresAt).toBe(Number(first!.iceServers[1]!.username!.split(':')[0]) * 1000)
  })

  it('gives a stranger (no signaling connection in a room) the STUN servers only, counted', async () => {
    const ice = readIceConfig({ STUN_URLS: 'stun:203.0.113.5:3478', TURN_URLS: 'turn:203.0.113.5:3478', TURN_SECRET: 'north' })
    const { http, ws, signaling } = await harness.start({ ice, iceWaitMs: 300 })
    await harness.connect(`${ws}/signaling`) // connected, but in no room
    const started = Date.now()
    const res = await fetch(`${http}/ice-servers`)
    const body = (await res.json()) as IceBody & { turn?: string }
    expect(res.status).toBe(200)
    expect(body.iceServers).toEqual([{ urls: ['stun:203.0.113.5:3478'] }])
    expect(body.turn).toBe('not_in_room')
    expect(JSON.stringify(body)).not.toContain('credential')
    expect(body.expiresAt).toBeGreaterThan(started)
    expect(signaling.stats().ice).toMatchObject({ issued: 0, not_in_room: 1 })
    const metrics = await (await fetch(`${http}/metrics`)).text()
    expect(metrics.split('\n')).toContain('meshpad_signaling_ice_requests_total{outcome="not_in_room"} 1')
  })

  it('answers a page that asks while its WebSocket opens as soon as it has joined its room', async () => {
    const ice = readIceConfig({ TURN_URLS: 'turn:203.0.113.5:3478', TURN_SECRET: 'north' })
    const { http, ws } = await harness.start({ ice, iceWaitMs: 10_000 })
    const asked = fetch(`${http}/ice-servers`).then(async (res) => (await res.json()) as IceBody)
    const member = await harness.connect(`${ws}/signaling`)
    await member.subscribe('room')
    const body = await within(asked)
    expect(body.iceServers[0]!.credential).toEqual(expect.any(String))
  })

  it('refuses 10,000 credential requests a minute from one address with 429 past its budget; another address still gets TURN', async () => {
    const ice = readIceConfig({ TURN_URLS: 'turn:203.0.113.5:3478', TURN_SECRET: 'north' })
    const { http, ws, signaling } = await harness.start({ ice, trustProxy: ['loopback'] })
    const from = (address: string) => ({ headers: { 'X-Forwarded-For': address } })
    const stranger = await harness.connect(`${ws}/signaling`, from('198.51.100.66'))
    await stranger.subscribe('made-up-topic')
    const statuses = new Map<number, number>()
    const usernames = new Set<string>()
    const started = Date.now()
    for (let sent = 0; sent < 10_000; sent += 200) {
      await Promise.all(
        Array.from({ length: 200 }, async () => {
          const res = await fetch(`${http}/ice-servers`, from('198.51.100.66'))
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1)
          const body = (await res.json()) as IceBody
          if (res.status === 200) usernames.add(body.iceServers[0]!.username!)
          else expect(res.headers.get('retry-after')).toBe('30')
        }),
      )
    }
    const seconds = (Date.now() - started) / 1000
    expect(seconds).toBeLessThan(60)
    // The burst (600) and the refill (2 a second) pass; everything else is refused.
    expect(statuses.get(200)).toBeLessThanOrEqual(600 + Math.ceil(seconds * 2) + 1)
    expect(statuses.get(429)).toBeGreaterThanOrEqual(10_000 - 600 - Math.ceil(seconds * 2) - 1)
    expect(signaling.stats().ice.rate_limited).toBe(statuses.get(429))
    // However often it asks, one address holds one username per window (at most two here).
    expect(usernames.size).toBeLessThanOrEqual(2)
    const honest = await harness.connect(`${ws}/signaling`, from('203.0.113.9'))
    await honest.subscribe('their-room')
    const res = await fetch(`${http}/ice-servers`, from('203.0.113.9'))
    expect(res.status).toBe(200)
    expect(((await res.json()) as IceBody).iceServers[0]!.credential).toEqual(expect.any(String))
  }, 60_000)
})

describe('TLS', () => {
  it('serves https and wss from the one process: /healthz, /ice-servers, signaling', async () => {
    const { cert, key } = makeTestCertificate()
    const { http, ws } = await harness.start({ tls: { cert, key } })
    const https = http.replace('http:', 'https:')
    const health = await httpsGet(`${https}/healthz`, cert)
    expect(health.status).toBe(200)
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' })
    expect(JSON.parse((await httpsGet(`${https}/ice-servers`, cert)).body)).toEqual({ iceServers: [], expiresAt: null })
    const client = await harness.connect(`${ws.replace('ws:', 'wss:')}/signaling`, { ca: cert })
    await client.subscribe('room')
    client.send({ type: 'publish', topic: 'room', data: 'hello' })
    expect(await client.nextMessage()).toEqual({ type: 'publish', topic: 'room', data: 'hello', clients: 1 })
    // Plain http on the TLS port is not served.
    await expect(fetch(`${http}/healthz`)).rejects.toThrow()
  })
})
