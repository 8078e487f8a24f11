/**
 * Every way a connection ends and every frame the server ignores, by name: the names are the
 * `reason` label of the `closes_total` and `frames_dropped_total` metrics and the `reason` field
 * of log lines, so an operator can tell one breach from another.
 */

/** A close the server decides on, with the WebSocket close code and reason the client receives. */
export interface ClosePolicy {
  readonly code: number
  readonly reason: string
}

/**
 * Closes the server initiates. 1008 (policy violation): this client broke a limit and should
 * change what it does. 1013 (try again later): a capacity limit; the client may retry, here or on
 * another instance. 1012 (service restart): reconnect, to this address or another one.
 */
export const CLOSE_POLICIES = {
  origin_not_allowed: { code: 1008, reason: 'origin not allowed' },
  too_many_topics: { code: 1008, reason: 'too many topics on this connection' },
  rate_limited: { code: 1008, reason: 'message rate limit exceeded' },
  slow_receiver: { code: 1008, reason: 'send queue full: receiving too slowly' },
  server_full: { code: 1013, reason: 'server connection limit reached' },
  address_full: { code: 1013, reason: 'too many connections from this address' },
  topics_full: { code: 1013, reason: 'server topic limit reached' },
  shutdown: { code: 1012, reason: 'server restarting' },
} as const satisfies Record<string, ClosePolicy>

export type PolicyCloseReason = keyof typeof CLOSE_POLICIES

/**
 * Every reason a connection closes. Beyond the policies: `message_too_big` (ws closes with 1009,
 * no reason text, for a frame over the size limit), `protocol_error` (ws closes with 1002/1007 for
 * an invalid frame or invalid UTF-8), `heartbeat_timeout` (no answer to a ping: the socket is
 * destroyed, the client sees 1006), `client` (the client closed, or its connection broke).
 */
export type CloseReason = PolicyCloseReason | 'message_too_big' | 'protocol_error' | 'heartbeat_timeout' | 'client'

export const CLOSE_REASONS: readonly CloseReason[] = [
  ...(Object.keys(CLOSE_POLICIES) as PolicyCloseReason[]),
  'message_too_big',
  'protocol_error',
  'heartbeat_timeout',
  'client',
]

/**
 * Frames ignored without closing: `binary` and `invalid` (not JSON, not an object, an unknown
 * `type`, a field of the wrong type, an invalid topic, unserialisable data) — ignoring them keeps
 * the connection of a client that speaks a newer protocol; `redis_unavailable` — a publish not
 * forwarded to other instances because the Redis link is down or backed up (local subscribers
 * still receive it).
 */
export type DropReason = 'binary' | 'invalid' | 'redis_unavailable'

export const DROP_REASONS: readonly DropReason[] = ['binary', 'invalid', 'redis_unavailable']
