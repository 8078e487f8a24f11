/**
 * The server's configuration, read from the environment: every variable, its default and its
 * bounds are here (and in docs/configuration.md and docs/limits.md). An invalid value is refused
 * with a {@link ConfigError} naming the variable; nothing starts with a configuration half understood.
 * An empty variable counts as unset.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError } from './configError.js'
import { readIceConfig, type IceConfig } from './ice/iceConfig.js'
import type { TrustProxy } from './limits/clientAddress.js'
import { createAddressMatcher, createClientAddressResolver } from './limits/clientAddress.js'
import { DEFAULTS, type SignalingServerOptions } from './server.js'

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

export interface ServerConfig {
  /** Options for `createSignalingServer`, every limit resolved. */
  readonly server: Required<Omit<SignalingServerOptions, 'logger' | 'redisUrl' | 'allowedOrigins' | 'instanceId' | 'tls' | 'ice'>> &
    Pick<SignalingServerOptions, 'redisUrl' | 'allowedOrigins' | 'tls'> & { readonly ice: IceConfig }
  readonly logLevel: LogLevel
  /** From SIGTERM to exit, at most. */
  readonly shutdownTimeoutMs: number
}

export const DEFAULT_LOG_LEVEL: LogLevel = 'info'
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000

export { ConfigError }

type Env = Readonly<Record<string, string | undefined>>

function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name)
  if (value === undefined) return fallback
  const number = /^\d+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new ConfigError(name, `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`)
  }
  return number
}

function logLevel(env: Env): LogLevel {
  const value = raw(env, 'LOG_LEVEL')?.toLowerCase()
  if (value === undefined) return DEFAULT_LOG_LEVEL
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new ConfigError('LOG_LEVEL', `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(value)}`)
  }
  return value as LogLevel
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

function redisUrl(env: Env): string | undefined {
  const value = raw(env, 'REDIS_URL')
  if (value === undefined) return undefined
  const url = parseUrl(value)
  if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    // The value itself is not repeated: it may hold a password.
    throw new ConfigError('REDIS_URL', 'REDIS_URL must be a redis://host:port or rediss://host:port URL')
  }
  return value
}

function allowedOrigins(env: Env): readonly string[] | undefined {
  const value = raw(env, 'ALLOWED_ORIGINS')
  if (value === undefined) return undefined
  return value.split(',').map((entry) => {
    const origin = entry.trim()
    const url = parseUrl(origin)
    if (url === undefined || !isOriginUrl(url)) {
      throw new ConfigError('ALLOWED_ORIGINS', `ALLOWED_ORIGINS must be a comma-separated list of origins like https://meshpad.example.com, got ${JSON.stringify(origin)}`)
    }
    return url.origin
  })
}

/** Scheme, host and port, nothing else: what a browser sends as `Origin`. */
function isOriginUrl(url: URL): boolean {
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && url.search === '' && url.hash === '' && url.username === '' && url.password === ''
}

function trustProxy(env: Env): TrustProxy {
  const value = raw(env, 'TRUST_PROXY')
  if (value === undefined) return DEFAULTS.trustProxy
  if (/^\d+$/.test(value)) return integer(env, 'TRUST_PROXY', 0, 0, 100)
  const list = value.split(',').map((entry) => entry.trim())
  try {
    createClientAddressResolver(list)
  } catch (error) {
    throw new ConfigError(
      'TRUST_PROXY',
      `TRUST_PROXY must be a number of proxies or a comma-separated list of proxy addresses/subnets ` +
        `(e.g. 10.0.0.0/8, loopback, uniquelocal): ${error instanceof Error ? error.message : String(error)}`,
    )
  }
  return list
}

/** The operator's own addresses, exempt from the per-address budgets (the always-on peer). */
function exemptAddresses(env: Env): readonly string[] {
  const value = raw(env, 'BUDGET_EXEMPT_ADDRESSES')
  if (value === undefined) return DEFAULTS.exemptAddresses
  const list = value.split(',').map((entry) => entry.trim())
  try {
    createAddressMatcher(list)
  } catch (error) {
    throw new ConfigError('BUDGET_EXEMPT_ADDRESSES', `BUDGET_EXEMPT_ADDRESSES must be a comma-separated list of addresses/subnets (e.g. 203.0.113.5, loopback): ${error instanceof Error ? error.message : String(error)}`)
  }
  return list
}

/** `SERVER_RELAY` (`on`, the default, or `off`) and its budgets. */
function peerRelay(env: Env): ServerConfig['server']['peerRelay'] {
  const value = raw(env, 'SERVER_RELAY') ?? 'on'
  if (value !== 'on' && value !== 'off') throw new ConfigError('SERVER_RELAY', `SERVER_RELAY must be on or off, got ${JSON.stringify(value)}`)
  if (value === 'off') return false
  const { peerRelay: defaults } = DEFAULTS
  return {
    connectionBytesPerSecond: integer(env, 'SERVER_RELAY_BYTES_PER_SECOND', defaults.connectionBytesPerSecond, 1024, 1024 * 1024 * 1024),
    instanceBytesPerSecond: integer(env, 'SERVER_RELAY_INSTANCE_BYTES_PER_SECOND', defaults.instanceBytesPerSecond, 1024, 64 * 1024 * 1024 * 1024),
  }
}

function channelPrefix(env: Env): string {
  const value = raw(env, 'REDIS_CHANNEL_PREFIX')
  if (value === undefined) return DEFAULTS.redisChannelPrefix
  if (value.length > 256) throw new ConfigError('REDIS_CHANNEL_PREFIX', 'REDIS_CHANNEL_PREFIX must be at most 256 characters')
  return value
}

function pemFile(env: Env, name: 'TLS_CERT_FILE' | 'TLS_KEY_FILE', label: RegExp): string {
  const path = raw(env, name)!
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    throw new ConfigError(name, `${name} must name a readable PEM file, got ${JSON.stringify(path)} (${error instanceof Error ? error.message : String(error)})`)
  }
  // The contents are never repeated in the error: a key file is a secret.
  if (!label.test(text)) throw new ConfigError(name, `${name} must name a PEM file (-----BEGIN …-----), got ${JSON.stringify(path)}`)
  return text
}

/** Both TLS files or neither: half a TLS setup is refused rather than silently served as http. */
function tls(env: Env): { cert: string; key: string } | undefined {
  const cert = raw(env, 'TLS_CERT_FILE')
  const key = raw(env, 'TLS_KEY_FILE')
  if (cert === undefined && key === undefined) return undefined
  if (cert === undefined) throw new ConfigError('TLS_CERT_FILE', 'TLS_CERT_FILE must be set together with TLS_KEY_FILE')
  if (key === undefined) throw new ConfigError('TLS_KEY_FILE', 'TLS_KEY_FILE must be set together with TLS_CERT_FILE')
  return { cert: pemFile(env, 'TLS_CERT_FILE', /-----BEGIN CERTIFICATE-----/), key: pemFile(env, 'TLS_KEY_FILE', /-----BEGIN [A-Z ]*PRIVATE KEY-----/) }
}

/** The project's `dist/`, whatever the working directory (this file is build/signaling/config.js). */
const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../dist', import.meta.url))

/** Reads the configuration from `env`; throws a {@link ConfigError} for the first invalid variable. */
export function readConfig(env: Env): ServerConfig {
  const staticDir = raw(env, 'STATIC_DIR')
  const perSecond = integer(env, 'RATE_LIMIT_PER_SECOND', DEFAULTS.rateLimit.perSecond, 1, 1_000_000)
  const burst = integer(env, 'RATE_LIMIT_BURST', DEFAULTS.rateLimit.burst, 1, 10_000_000)
  const shutdownTimeoutMs = integer(env, 'SHUTDOWN_TIMEOUT_MS', DEFAULT_SHUTDOWN_TIMEOUT_MS, 100, 600_000)
  return {
    server: {
      port: integer(env, 'PORT', DEFAULTS.port, 0, 65535),
      host: raw(env, 'HOST') ?? DEFAULTS.host,
      staticDir: staticDir === undefined ? DEFAULT_STATIC_DIR : resolve(staticDir),
      redisUrl: redisUrl(env),
      redisChannelPrefix: channelPrefix(env),
      maxMessageBytes: integer(env, 'MAX_MESSAGE_BYTES', DEFAULTS.maxMessageBytes, 1024, 64 * 1024 * 1024),
      maxTopicsPerConnection: integer(env, 'MAX_TOPICS_PER_CONNECTION', DEFAULTS.maxTopicsPerConnection, 1, 100_000),
      maxTopics: integer(env, 'MAX_TOPICS', DEFAULTS.maxTopics, 1, 100_000_000),
      maxConnections: integer(env, 'MAX_CONNECTIONS', DEFAULTS.maxConnections, 1, 10_000_000),
      maxConnectionsPerAddress: integer(env, 'MAX_CONNECTIONS_PER_ADDRESS', DEFAULTS.maxConnectionsPerAddress, 1, 10_000_000),
      rateLimit: { perSecond, burst },
      maxSubscriptionsPerAddress: integer(env, 'MAX_SUBSCRIPTIONS_PER_ADDRESS', DEFAULTS.maxSubscriptionsPerAddress, 1, 100_000_000),
      addressRateLimit: {
        perSecond: integer(env, 'ADDRESS_RATE_LIMIT_PER_SECOND', DEFAULTS.addressRateLimit.perSecond, 1, 100_000_000),
        burst: integer(env, 'ADDRESS_RATE_LIMIT_BURST', DEFAULTS.addressRateLimit.burst, 1, 1_000_000_000),
      },
      exemptAddresses: exemptAddresses(env),
      iceRateLimit: {
        perSecond: integer(env, 'ICE_RATE_LIMIT_PER_SECOND', DEFAULTS.iceRateLimit.perSecond, 1, 1_000_000),
        burst: integer(env, 'ICE_RATE_LIMIT_BURST', DEFAULTS.iceRateLimit.burst, 1, 10_000_000),
      },
      iceWaitMs: integer(env, 'ICE_WAIT_MS', DEFAULTS.iceWaitMs, 0, 60_000),
      maxBufferedBytes: integer(env, 'MAX_BUFFERED_BYTES', DEFAULTS.maxBufferedBytes, 64 * 1024, 1024 * 1024 * 1024),
      peerRelay: peerRelay(env),
      allowedOrigins: allowedOrigins(env),
      trustProxy: trustProxy(env),
      heartbeatMs: integer(env, 'HEARTBEAT_MS', DEFAULTS.heartbeatMs, 100, 3_600_000),
      // Half the shutdown budget for clients to finish their closing handshake, the rest
      // for Redis and the HTTP server.
      closeTimeoutMs: Math.min(DEFAULTS.closeTimeoutMs, Math.floor(shutdownTimeoutMs / 2)),
      tls: tls(env),
      ice: readIceConfig(env),
    },
    logLevel: logLevel(env),
    shutdownTimeoutMs,
  }
}
