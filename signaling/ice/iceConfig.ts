/**
 * The ICE servers the app is told to use, read from the environment: `STUN_URLS`, `TURN_URLS`,
 * and either `TURN_SECRET` (coturn `use-auth-secret`, with `TURN_TTL_SECONDS`) or
 * `TURN_USERNAME` + `TURN_CREDENTIAL`. Nothing set: no ICE servers, so no third party learns
 * anyone's address. An invalid value throws a {@link ConfigError} naming the variable.
 */
import { ConfigError } from '../configError.js'

/** TURN credentials: issued per request from a shared secret, or fixed. */
export type TurnAuth =
  | { readonly kind: 'secret'; readonly secret: string; readonly ttlSeconds: number }
  | { readonly kind: 'static'; readonly username: string; readonly credential: string }

/** What `/ice-servers` hands out, resolved from the environment. */
export interface IceConfig {
  readonly stunUrls: readonly string[]
  readonly turnUrls: readonly string[]
  /** Present exactly when `turnUrls` is non-empty. */
  readonly turn: TurnAuth | undefined
}

/**
 * One hour: a credential copied off a page stops working soon; the app renews it before it
 * expires (src/network/iceServers.ts, at 80 % of its remaining life).
 */
export const DEFAULT_TURN_TTL_SECONDS = 3_600
/** Nothing configured: the browsers use host candidates only (a LAN, or one public address). */
export const NO_ICE: IceConfig = { stunUrls: [], turnUrls: [], turn: undefined }

type Env = Readonly<Record<string, string | undefined>>

function raw(env: Env, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

// RFC 7064/7065 URIs: `stun:host[:port]`, `turn[s]:host[:port][?transport=udp|tcp]`. No
// path, no user info; the host is a name, an IPv4 address or a bracketed IPv6 address.
const HOST = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])`
const PORT = String.raw`(?::(?:[1-9]\d{0,4}))?`
const STUN_URL = new RegExp(`^stuns?:${HOST}${PORT}$`)
const TURN_URL = new RegExp(`^turns?:${HOST}${PORT}(?:\\?transport=(?:udp|tcp))?$`)

function urlList(env: Env, name: string, pattern: RegExp, example: string): readonly string[] {
  const value = raw(env, name)
  if (value === undefined) return []
  return value.split(',').map((entry) => {
    const url = entry.trim()
    const port = /:(\d+)(?:\?|$)/.exec(url)?.[1]
    if (!pattern.test(url) || (port !== undefined && Number(port) > 65535)) {
      throw new ConfigError(name, `${name} must be a comma-separated list of URLs like ${example}, got ${JSON.stringify(url)}`)
    }
    return url
  })
}

function ttl(env: Env): number {
  const value = raw(env, 'TURN_TTL_SECONDS')
  if (value === undefined) return DEFAULT_TURN_TTL_SECONDS
  const number = /^\d+$/.test(value) ? Number(value) : NaN
  // At least 10 minutes, so the app's renewal (ahead of expiry) never runs in a tight loop.
  if (!Number.isSafeInteger(number) || number < 600 || number > 30 * 86_400) {
    throw new ConfigError('TURN_TTL_SECONDS', `TURN_TTL_SECONDS must be an integer from 600 to 2592000, got ${JSON.stringify(value)}`)
  }
  return number
}

function turnAuth(env: Env, turnUrls: readonly string[]): TurnAuth | undefined {
  const secret = raw(env, 'TURN_SECRET')
  const username = raw(env, 'TURN_USERNAME')
  const credential = raw(env, 'TURN_CREDENTIAL')
  const ttlSeconds = ttl(env)
  if (turnUrls.length === 0) {
    const stray = secret !== undefined ? 'TURN_SECRET' : username !== undefined ? 'TURN_USERNAME' : credential !== undefined ? 'TURN_CREDENTIAL' : undefined
    if (stray !== undefined) throw new ConfigError(stray, `${stray} must come with TURN_URLS (the TURN server it is for)`)
    return undefined
  }
  if (secret !== undefined) {
    if (username !== undefined || credential !== undefined) {
      throw new ConfigError('TURN_SECRET', 'TURN_SECRET must be set alone: not with TURN_USERNAME/TURN_CREDENTIAL')
    }
    return { kind: 'secret', secret, ttlSeconds }
  }
  if (username !== undefined && credential !== undefined) {
    if (username.length > 512) throw new ConfigError('TURN_USERNAME', 'TURN_USERNAME must be at most 512 characters')
    return { kind: 'static', username, credential }
  }
  const missing = username === undefined ? 'TURN_USERNAME' : 'TURN_CREDENTIAL'
  if (username !== undefined || credential !== undefined) throw new ConfigError(missing, `${missing} must be set too (TURN_USERNAME and TURN_CREDENTIAL go together)`)
  throw new ConfigError('TURN_SECRET', 'TURN_SECRET must be set with TURN_URLS (or TURN_USERNAME and TURN_CREDENTIAL)')
}

/** Reads the ICE configuration; throws a {@link ConfigError} for the first invalid variable. */
export function readIceConfig(env: Env): IceConfig {
  const stunUrls = urlList(env, 'STUN_URLS', STUN_URL, 'stun:stun.example.com:3478')
  const turnUrls = urlList(env, 'TURN_URLS', TURN_URL, 'turn:turn.example.com:3478?transport=udp or turns:turn.example.com:5349')
  return { stunUrls, turnUrls, turn: turnAuth(env, turnUrls) }
}
