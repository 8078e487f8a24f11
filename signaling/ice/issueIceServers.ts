import { createHmac, randomBytes } from 'node:crypto'
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

/**
 * The ICE servers for one request. With a TURN secret it issues fresh credentials by the TURN REST
 * API scheme that coturn's `use-auth-secret` checks: username `<expiry unix time>:<random id>`,
 * credential base64(HMAC-SHA1(secret, username)). The secret itself never leaves the server.
 */
export function issueIceServers(config: IceConfig, now: number = Date.now(), randomId: string = randomBytes(9).toString('base64url')): IceServersResponse {
  const iceServers: IceServerJson[] = []
  if (config.stunUrls.length > 0) iceServers.push({ urls: config.stunUrls })
  const turn = config.turn
  if (config.turnUrls.length === 0 || turn === undefined) return { iceServers, expiresAt: null }
  if (turn.kind === 'static') {
    iceServers.push({ urls: config.turnUrls, username: turn.username, credential: turn.credential })
    return { iceServers, expiresAt: null }
  }
  const expiry = Math.floor(now / 1000) + turn.ttlSeconds
  const username = `${expiry}:${randomId}`
  const credential = createHmac('sha1', turn.secret).update(username).digest('base64')
  iceServers.push({ urls: config.turnUrls, username, credential })
  return { iceServers, expiresAt: expiry * 1000 }
}
