import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { ConfigError } from '../configError.js'
import { DEFAULT_TURN_TTL_SECONDS, NO_ICE, readIceConfig } from './iceConfig.js'
import { issueIceServers } from './issueIceServers.js'

function configError(env: Record<string, string>): ConfigError {
  try {
    readIceConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error(`accepted ${JSON.stringify(env)}`)
}

describe('readIceConfig', () => {
  it('configures no ICE server when nothing is set, so no third party is involved', () => {
    expect(readIceConfig({})).toEqual(NO_ICE)
    expect(issueIceServers(readIceConfig({ STUN_URLS: ' ', TURN_URLS: '' }), 'a')).toEqual({ iceServers: [], expiresAt: null })
  })

  it('reads STUN and TURN URLs with a shared secret', () => {
    const config = readIceConfig({
      STUN_URLS: 'stun:stun.example.com:3478, stun:[2001:db8::1]',
      TURN_URLS: 'turn:turn.example.com:3478?transport=udp,turn:turn.example.com:3478?transport=tcp,turns:turn.example.com:5349',
      TURN_SECRET: 's3cret',
      TURN_TTL_SECONDS: '3600',
    })
    expect(config).toEqual({
      stunUrls: ['stun:stun.example.com:3478', 'stun:[2001:db8::1]'],
      turnUrls: ['turn:turn.example.com:3478?transport=udp', 'turn:turn.example.com:3478?transport=tcp', 'turns:turn.example.com:5349'],
      turn: { kind: 'secret', secret: 's3cret', ttlSeconds: 3600 },
    })
  })

  it('defaults the credential lifetime to a day, and takes a fixed username and credential', () => {
    expect(readIceConfig({ TURN_URLS: 'turn:203.0.113.5', TURN_SECRET: 'x' }).turn).toEqual({ kind: 'secret', secret: 'x', ttlSeconds: DEFAULT_TURN_TTL_SECONDS })
    expect(readIceConfig({ TURN_URLS: 'turn:203.0.113.5', TURN_USERNAME: 'team', TURN_CREDENTIAL: 'pw' }).turn).toEqual({ kind: 'static', username: 'team', credential: 'pw' })
  })

  it.each([
    ['STUN_URLS', { STUN_URLS: 'stun.example.com' }],
    ['STUN_URLS', { STUN_URLS: 'https://stun.example.com' }],
    ['STUN_URLS', { STUN_URLS: 'stun:stun.example.com:99999' }],
    ['STUN_URLS', { STUN_URLS: 'stun:ok.example,' }],
    ['TURN_URLS', { TURN_URLS: 'stun:turn.example.com', TURN_SECRET: 'x' }],
    ['TURN_URLS', { TURN_URLS: 'turn:turn.example.com?transport=sctp', TURN_SECRET: 'x' }],
    ['TURN_URLS', { TURN_URLS: 'turn:user@turn.example.com', TURN_SECRET: 'x' }],
    ['TURN_SECRET', { TURN_URLS: 'turn:turn.example.com' }],
    ['TURN_SECRET', { TURN_SECRET: 'x' }],
    ['TURN_SECRET', { TURN_URLS: 'turn:turn.example.com', TURN_SECRET: 'x', TURN_USERNAME: 'u', TURN_CREDENTIAL: 'p' }],
    ['TURN_CREDENTIAL', { TURN_URLS: 'turn:turn.example.com', TURN_USERNAME: 'u' }],
    ['TURN_USERNAME', { TURN_URLS: 'turn:turn.example.com', TURN_CREDENTIAL: 'p' }],
    ['TURN_USERNAME', { TURN_USERNAME: 'u', TURN_CREDENTIAL: 'p' }],
    ['TURN_TTL_SECONDS', { TURN_URLS: 'turn:turn.example.com', TURN_SECRET: 'x', TURN_TTL_SECONDS: '60' }],
    ['TURN_TTL_SECONDS', { TURN_URLS: 'turn:turn.example.com', TURN_SECRET: 'x', TURN_TTL_SECONDS: 'a day' }],
  ])('refuses an invalid %s', (variable, env) => {
    const error = configError(env)
    expect(error.variable).toBe(variable)
    expect(error.message).toMatch(new RegExp(`^${variable} must`))
  })

  it('never repeats the secret or the credential in an error', () => {
    expect(configError({ TURN_URLS: 'turn:x', TURN_SECRET: 'hunter2', TURN_USERNAME: 'u', TURN_CREDENTIAL: 'p' }).message).not.toContain('hunter2')
    expect(configError({ TURN_URLS: 'turn:x', TURN_CREDENTIAL: 'hunter2' }).message).not.toContain('hunter2')
  })
})

describe('issueIceServers', () => {
  it('issues TURN REST API credentials that coturn use-auth-secret accepts: expiry:id, base64 HMAC-SHA1', () => {
    const config = readIceConfig({ STUN_URLS: 'stun:203.0.113.5:3478', TURN_URLS: 'turn:203.0.113.5:3478', TURN_SECRET: 'north', TURN_TTL_SECONDS: '3600' })
    const now = Date.UTC(2026, 0, 1)
    const issued = issueIceServers(config, '198.51.100.7', now)
    const username = issued.iceServers[1]!.username!
    // Valid for the lifetime plus the rest of the current quarter-lifetime window (here all of it).
    expect(username).toMatch(new RegExp(`^${now / 1000 + 3600 + 900}:[\\w-]{16}$`))
    expect(issued).toEqual({
      iceServers: [
        { urls: ['stun:203.0.113.5:3478'] },
        { urls: ['turn:203.0.113.5:3478'], username, credential: createHmac('sha1', 'north').update(username).digest('base64') },
      ],
      expiresAt: (now / 1000 + 4500) * 1000,
    })
    expect(JSON.stringify(issued)).not.toContain('north')
    expect(JSON.stringify(issued)).not.toContain('198.51.100.7')
  })

  it('gives one address one username per window, and another address or window another', () => {
    const config = readIceConfig({ TURN_URLS: 'turn:203.0.113.5', TURN_SECRET: 'x' })
    const now = Date.UTC(2026, 0, 1, 8)
    const name = (holder: string, at: number) => issueIceServers(config, holder, at).iceServers[0]!.username
    expect(name('198.51.100.7', now)).toBe(name('198.51.100.7', now + 899_000))
    expect(name('198.51.100.7', now)).not.toBe(name('198.51.100.8', now))
    expect(name('198.51.100.7', now)).not.toBe(name('198.51.100.7', now + 900_000))
    expect(DEFAULT_TURN_TTL_SECONDS).toBe(3600)
  })

  it('hands out fixed credentials as they are, with nothing expiring', () => {
    const config = readIceConfig({ TURN_URLS: 'turns:turn.example.com:5349', TURN_USERNAME: 'team', TURN_CREDENTIAL: 'pw' })
    expect(issueIceServers(config, 'a')).toEqual({ iceServers: [{ urls: ['turns:turn.example.com:5349'], username: 'team', credential: 'pw' }], expiresAt: null })
  })
})
