import { request } from 'node:https'
import { afterEach, describe, expect, it } from 'vitest'
import { readIceConfig } from './iceConfig.js'
import { SignalingHarness } from '../testing/signalingHarness.js'
import { makeTestCertificate } from '../testing/testCertificate.js'

const harness = new SignalingHarness()
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

  it('issues fresh TURN credentials per request, with their expiry', async () => {
    const ice = readIceConfig({ STUN_URLS: 'stun:203.0.113.5:3478', TURN_URLS: 'turn:203.0.113.5:3478?transport=udp', TURN_SECRET: 'north', TURN_TTL_SECONDS: '600' })
    const { http } = await harness.start({ ice })
    const before = Date.now()
    const [first, second] = await Promise.all([1, 2].map(async () => (await fetch(`${http}/ice-servers`)).json() as Promise<{ iceServers: { urls: string[]; username?: string }[]; expiresAt: number }>))
    expect(first!.iceServers.map((server) => server.urls)).toEqual([['stun:203.0.113.5:3478'], ['turn:203.0.113.5:3478?transport=udp']])
    expect(first!.iceServers[1]!.username).toMatch(/^\d+:[\w-]+$/)
    expect(first!.iceServers[1]!.username).not.toBe(second!.iceServers[1]!.username)
    expect(first!.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 600_000)
    expect(first!.expiresAt).toBe(Number(first!.iceServers[1]!.username!.split(':')[0]) * 1000)
  })
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
