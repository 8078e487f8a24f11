/**
 * Every way the server turns a client down, by name: the names are the `reason` label of the
 * `connections_refused_total`, `closes_total`, `subscriptions_refused_total` and
 * `frames_dropped_total` metrics and the `reason` field of log lines, so an operator can tell one
 * breach from another.
 *
 * y-webrtc's client (lib0/websocket) reconnects at once, with no delay, when a connection
 * that had opened closes; it backs off (up to 2.5 s) only when a connection fails to open. So a
 * limit a client would hit again on every reconnect is never answered by closing an open
 * connection — one refused client would reconnect hundreds of times a second: admission limits
 * refuse the WebSocket handshake with an HTTP status, and the topic limits ignore the subscription.
 */

/** An HTTP status refusing the WebSocket handshake (the browser reports a failed connection). */
export interface Refusal {
  readonly status: number
  readonly reason: string
  /** Seconds, for the `Retry-After` header. */
  readonly retryAfter?: number
}

/** Refusals at the door, before the WebSocket opens. */
export const REFUSALS = {
  origin_not_allowed: { status: 403, reason: 'origin not allowed' },
  address_full: { status: 429, reason: 'too many connections from this address', retryAfter: 10 },
  server_full: { status: 503, reason: 'server connection limit reached', retryAfter: 5 },
  shutdown: { status: 503, reason: 'server restarting', retryAfter: 1 },
} as const satisfies Record<string, Refusal>

export type RefusalReason = keyof typeof REFUSALS

export const REFUSAL_REASONS = Object.keys(REFUSALS) as RefusalReason[]

/** A close the server decides on, with the WebSocket close code and reason the client receives. */
export interface ClosePolicy {
  readonly code: number
  readonly reason: string
}

/**
 * Closes the server initiates on an open connection. 1008 (policy violation): this client broke a
 * limit (it reconnects with an empty slate). 1012 (service restart): reconnect, to this address
 * after a restart or to another instance.
 */
export const CLOSE_POLICIES = {
  rate_limited: { code: 1008, reason: 'message rate limit exceeded' },
  slow_receiver: { code: 1008, reason: 'send queue full: receiving too slowly' },
  shutdown: { code: 1012, reason: 'server restarting' },
} as const satisfies Record<string, ClosePolicy>

export type PolicyCloseReason = keyof typeof CLOSE_POLICIES

/**
 * Every reason an open connection closes. Beyond the policies: `message_too_big` (ws closes with
 * 1009, no reason text, for a frame over the size limit), `protocol_error` (ws closes with
 * 1002/1007 for an invalid frame or invalid UTF-8), `heartbeat_timeout` (no answer to a ping: the
 * socket is destroyed, the client sees 1006), `client` (the client closed, or its connection broke).
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
 * Subscriptions ignored (the rest of the message still applies, the connection stays):
 * `too_many_topics` — the connection is in as many topics as it may be; `topics_full` — the
 * instance has as many topics as it may hold, and this one would be new; `address_topics` — the
 * connection's address (IPv4 address, IPv6 /64) holds as many subscriptions as one address may.
 */
export type SubscriptionRefusal = 'too_many_topics' | 'topics_full' | 'address_topics'

export const SUBSCRIPTION_REFUSALS: readonly SubscriptionRefusal[] = ['too_many_topics', 'topics_full', 'address_topics']

/**
 * Frames ignored without closing: `binary` and `invalid` (not JSON, not an object, an unknown
 * `type`, a field of the wrong type, an invalid topic, unserialisable data) — ignoring them keeps
 * the connection of a client that speaks a newer protocol; `redis_unavailable` — a publish not
 * forwarded to other instances because the Redis link is down or backed up (local subscribers
 * still receive it); `address_rate_limited` — the connection's address sent more frames than one
 * address may (over all its connections): dropped, the connection stays; `relay_off`,
 * `relay_not_subscribed`, `relay_rate_limited` — a relay frame not forwarded because the operator
 * turned the relay off, its sender is not subscribed to its topic, or it is over the connection's or
 * the instance's relay bytes per second (the sender is told: see `RelayRefusedMessage`).
 */
export type DropReason = 'binary' | 'invalid' | 'redis_unavailable' | 'address_rate_limited' | 'relay_off' | 'relay_not_subscribed' | 'relay_rate_limited'

export const DROP_REASONS: readonly DropReason[] = ['binary', 'invalid', 'redis_unavailable', 'address_rate_limited', 'relay_off', 'relay_not_subscribed', 'relay_rate_limited']

/**
 * How `GET /ice-servers` answered: `issued` — TURN credentials, to an address with a signaling
 * connection in a room; `not_in_room` — no such connection within the wait: STUN only, ask again
 * soon; `rate_limited` — the address asked more often than its budget (429); `no_turn` — the server
 * hands out no TURN credentials at all (STUN only, or nothing).
 */
export type IceOutcome = 'issued' | 'not_in_room' | 'rate_limited' | 'no_turn'

export const ICE_OUTCOMES: readonly IceOutcome[] = ['issued', 'not_in_room', 'rate_limited', 'no_turn']
