import { createHmac } from 'node:crypto'
import type { IceConfig } from './iceConfig.js'

/** One entry of `RTCConfiguration.iceServers`, as JSON. */
export interface IceServerJson {
  readonly urls: readonly string[]
  readonly username?: string
  readonly credential?: string
}

/** The body of `GET /ice-servers`. */
export interface IceServersResponse {
  readonly iceServers: readonly IceServerJson[]
  /** When the TURN credentials stop working (ms since the epoch); null when nothing expires. */
  readonly expiresAt: number | null
}

/** An `/ice-servers` answer with no TURN (nothing configured, or not given to this address). */
export function stunOnly(config: IceConfig, expiresAt: number | null = null): IceServersResponse {
  return { iceServers: config.stunUrls.length > 0 ? [{ urls: config.stunUrls }] : [], expiresAt }
}

/**
 * The ICE servers for one address that is in a room. With a TURN secret it issues credentials by
 * the TURN REST API scheme that coturn's `use-auth-secret` checks: username `<expiry unix
 * time>:<holder id>`, credential base64(HMAC-SHA1(secret, username)). The secret never leaves the
 * server.
 *
 * The holder id is derived from the address (`holder`, its budget key) and the quarter of the
 * lifetime the request falls in, not random: every request from one address in that window gets
 * the same username, so coturn's `user-quota` (allocations per username) caps what one address
 * can hold on the relay, however often it asks, and a curl loop collects one credential, not
 * thousands. The id is an HMAC under the secret, so it does not reveal the address. The lifetime
 * is `ttlSeconds` plus at most a quarter of it (at most five usernames per address are valid at
 * once).
 */
export function issueIceServers(config: IceConfig, holder: string, now: number = Date.now()): IceServersResponse {
  const response = stunOnly(config)
  const iceServers = [...response.iceServers]
  const turn = config.turn
  if (config.turnUrls.length === 0 || turn === undefined) return response
  if (turn.kind === 'static') {
    iceServers.push({ urls: config.turnUrls, username: turn.username, credential: turn.credential })
    return { iceServers, expiresAt: null }
  }
  const window = Math.max(1, Math.floor(turn.ttlSeconds / 4))
  const windowStart = Math.floor(now / 1000 / window) * window
  const expiry = windowStart + window + turn.ttlSeconds
  const id = createHmac('sha256', turn.secret).update(`meshpad/turn-holder/v1|${holder}|${windowStart}`).digest('base64url').slice(0, 16)
  const username = `${expiry}:${id}`
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64')
  iceServers.push({ urls: config.turnUrls, username, credential })
  return { iceServers, expiresAt: expiry * 1000 }
}
