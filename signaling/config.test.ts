import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ConfigError, DEFAULT_SHUTDOWN_TIMEOUT_MS, readConfig } from './config.js'
import { NO_ICE } from './ice/iceConfig.js'
import { DEFAULTS } from './server.js'

function configError(env: Record<string, string>): ConfigError {
  try {
    readConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error(`accepted ${JSON.stringify(env)}`)
}

describe('readConfig', () => {
  it('has safe defaults for everything', () => {
    const config = readConfig({})
    expect(config.server).toMatchObject({
      port: 4444,
      host: '0.0.0.0',
      redisUrl: undefined,
      redisChannelPrefix: 'meshpad:signaling:',
      maxMessageBytes: 65536,
      maxTopicsPerConnection: 256,
      maxTopics: 100_000,
      maxConnections: 10_000,
      maxConnectionsPerAddress: 1000,
      maxSubscriptionsPerAddress: 3000,
      addressRateLimit: { perSecond: 2000, burst: 20_000 },
      exemptAddresses: [],
      iceRateLimit: { perSecond: 2, burst: 600 },
      iceWaitMs: 5000,
      rateLimit: { perSecond: 100, burst: 1000 },
      maxBufferedBytes: 4 * 1024 * 1024,
      peerRelay: { connectionBytesPerSecond: 256 * 1024, instanceBytesPerSecond: 16 * 1024 * 1024 },
      allowedOrigins: undefined,
      trustProxy: 0,
      heartbeatMs: 30_000,
      closeTimeoutMs: 2000,
    })
    expect(config.server.staticDir).toMatch(/dist$/)
    expect(config).toMatchObject({ logLevel: 'info', shutdownTimeoutMs: DEFAULT_SHUTDOWN_TIMEOUT_MS })
    expect(config.server).toMatchObject(DEFAULTS)
  })

  it('reads every variable', () => {
    const config = readConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      STATIC_DIR: 'some/dir',
      LOG_LEVEL: 'DEBUG',
      REDIS_URL: 'redis://:secret@redis.internal:6380/2',
      REDIS_CHANNEL_PREFIX: 'staging:',
      MAX_MESSAGE_BYTES: '131072',
      MAX_TOPICS_PER_CONNECTION: '16',
      MAX_TOPICS: '500',
      MAX_CONNECTIONS: '2000',
      MAX_CONNECTIONS_PER_ADDRESS: '8',
      RATE_LIMIT_PER_SECOND: '20',
      RATE_LIMIT_BURST: '200',
      MAX_BUFFERED_BYTES: '1048576',
      SERVER_RELAY: 'on',
      SERVER_RELAY_BYTES_PER_SECOND: '32768',
      SERVER_RELAY_INSTANCE_BYTES_PER_SECOND: '4194304',
      ALLOWED_ORIGINS: 'https://meshpad.example.com, http://localhost:5173/',
      TRUST_PROXY: '1',
      MAX_SUBSCRIPTIONS_PER_ADDRESS: '40',
      ADDRESS_RATE_LIMIT_PER_SECOND: '50',
      ADDRESS_RATE_LIMIT_BURST: '500',
      BUDGET_EXEMPT_ADDRESSES: '203.0.113.5, loopback',
      ICE_RATE_LIMIT_PER_SECOND: '3',
      ICE_RATE_LIMIT_BURST: '30',
      ICE_WAIT_MS: '2000',
      HEARTBEAT_MS: '10000',
      SHUTDOWN_TIMEOUT_MS: '3000',
    })
    expect(config).toEqual({
      server: {
        port: 8080,
        host: '127.0.0.1',
        staticDir: resolve('some/dir'),
        redisUrl: 'redis://:secret@redis.internal:6380/2',
        redisChannelPrefix: 'staging:',
        maxMessageBytes: 131072,
        maxTopicsPerConnection: 16,
        maxTopics: 500,
        maxConnections: 2000,
        maxConnectionsPerAddress: 8,
        rateLimit: { perSecond: 20, burst: 200 },
        maxSubscriptionsPerAddress: 40,
        addressRateLimit: { perSecond: 50, burst: 500 },
        exemptAddresses: ['203.0.113.5', 'loopback'],
        iceRateLimit: { perSecond: 3, burst: 30 },
        iceWaitMs: 2000,
        maxBufferedBytes: 1048576,
        peerRelay: { connectionBytesPerSecond: 32768, instanceBytesPerSecond: 4194304 },
        allowedOrigins: ['https://meshpad.example.com', 'http://localhost:5173'],
        trustProxy: 1,
        heartbeatMs: 10000,
        closeTimeoutMs: 1500,
        tls: undefined,
        ice: NO_ICE,
      },
      logLevel: 'debug',
      shutdownTimeoutMs: 3000,
    })
  })

  it('reads the relay of last resort: on by default, off, its budgets, and refuses anything else by name', () => {
    expect(readConfig({}).server.peerRelay).toEqual({ connectionBytesPerSecond: 262_144, instanceBytesPerSecond: 16_777_216 })
    expect(readConfig({ SERVER_RELAY: 'off' }).server.peerRelay).toBe(false)
    expect(readConfig({ SERVER_RELAY: 'on', SERVER_RELAY_BYTES_PER_SECOND: '65536', SERVER_RELAY_INSTANCE_BYTES_PER_SECOND: '1048576' }).server.peerRelay).toEqual({
      connectionBytesPerSecond: 65_536,
      instanceBytesPerSecond: 1_048_576,
    })
    expect(configError({ SERVER_RELAY: 'yes' }).variable).toBe('SERVER_RELAY')
    expect(configError({ SERVER_RELAY_BYTES_PER_SECOND: '10' }).variable).toBe('SERVER_RELAY_BYTES_PER_SECOND')
  })

  it('treats an empty variable as unset', () => {
    expect(readConfig({ PORT: '', MAX_TOPICS: ' ', REDIS_URL: '' }).server).toMatchObject({ port: 4444, maxTopics: 100_000, redisUrl: undefined })
  })

  it('takes a list of trusted proxy addresses and subnets', () => {
    expect(readConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).server.trustProxy).toEqual(['10.0.0.0/8', 'loopback'])
  })

  it.each([
    ['PORT', 'http'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', '0x50'],
    ['MAX_MESSAGE_BYTES', '10'],
    ['MAX_MESSAGE_BYTES', '64k'],
    ['MAX_TOPICS_PER_CONNECTION', '0'],
    ['MAX_TOPICS', 'lots'],
    ['MAX_CONNECTIONS', '1e6'],
    ['MAX_CONNECTIONS_PER_ADDRESS', '0'],
    ['MAX_SUBSCRIPTIONS_PER_ADDRESS', '0'],
    ['BUDGET_EXEMPT_ADDRESSES', 'not-an-address'],
    ['ICE_WAIT_MS', '600000'],
    ['RATE_LIMIT_PER_SECOND', '0'],
    ['RATE_LIMIT_BURST', '-5'],
    ['MAX_BUFFERED_BYTES', '1024'],
    ['HEARTBEAT_MS', '5'],
    ['SHUTDOWN_TIMEOUT_MS', 'soon'],
    ['LOG_LEVEL', 'verbose'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', 'http://redis:6379'],
    ['REDIS_URL', 'redis://'],
    ['ALLOWED_ORIGINS', 'meshpad.example.com'],
    ['ALLOWED_ORIGINS', 'https://meshpad.example.com/app'],
    ['ALLOWED_ORIGINS', 'https://ok.example,ftp://no.example'],
    ['TRUST_PROXY', 'yes'],
    ['TRUST_PROXY', '10.0.0.0/99'],
    ['TRUST_PROXY', '101'],
    ['REDIS_CHANNEL_PREFIX', 'x'.repeat(257)],
  ])('refuses %s=%s with an error naming it', (variable, value) => {
    const error = configError({ [variable]: value })
    expect(error.variable).toBe(variable)
    expect(error.message).toMatch(new RegExp(`^${variable} must be`))
  })

  it('never repeats a Redis URL, which may hold a password, in its error', () => {
    expect(configError({ REDIS_URL: 'http://:hunter2@redis:6379' }).message).not.toContain('hunter2')
  })

  describe('TLS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshpad-tls-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    const cert = join(dir, 'cert.pem')
    const key = join(dir, 'key.pem')
    const junk = join(dir, 'junk.txt')
    writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
    writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nSECRETKEYBYTES\n-----END PRIVATE KEY-----\n')
    writeFileSync(junk, 'SECRETKEYBYTES')

    it('reads both PEM files', () => {
      expect(readConfig({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key }).server.tls).toEqual({
        cert: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        key: '-----BEGIN PRIVATE KEY-----\nSECRETKEYBYTES\n-----END PRIVATE KEY-----\n',
      })
    })

    it.each([
      ['TLS_KEY_FILE', { TLS_CERT_FILE: cert }],
      ['TLS_CERT_FILE', { TLS_KEY_FILE: key }],
      ['TLS_CERT_FILE', { TLS_CERT_FILE: join(dir, 'missing.pem'), TLS_KEY_FILE: key }],
      ['TLS_CERT_FILE', { TLS_CERT_FILE: key, TLS_KEY_FILE: key }],
      ['TLS_KEY_FILE', { TLS_CERT_FILE: cert, TLS_KEY_FILE: junk }],
    ])('refuses an invalid %s without repeating a key', (variable, env) => {
      const error = configError(env)
      expect(error.variable).toBe(variable)
      expect(error.message).toMatch(new RegExp(`^${variable} must`))
      expect(error.message).not.toContain('SECRETKEYBYTES')
    })
  })

  it('reads the ICE servers, refusing an invalid one by name', () => {
    expect(readConfig({ STUN_URLS: 'stun:203.0.113.5:3478' }).server.ice.stunUrls).toEqual(['stun:203.0.113.5:3478'])
    expect(configError({ TURN_URLS: 'turn:203.0.113.5' }).variable).toBe('TURN_SECRET')
  })
})
