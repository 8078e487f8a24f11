/**
 * The signaling wire protocol: y-webrtc's, so the stock y-webrtc client and the stock y-webrtc
 * server interoperate with ours (docs/configuration.md says so to users), plus
 * Meshpad's relay of last resort (`relay`, which stock clients neither send nor read).
 *
 * Every frame is one JSON object in a WebSocket text frame.
 * - Client → server: `subscribe`, `unsubscribe`, `publish`, `ping`, and Meshpad's `relay`.
 * - Server → client: `pong` (answer to `ping`), `publish` relayed to every subscriber of its
 *   topic, the sender included, with `clients` (the topic's subscriber count on this instance)
 *   added, and `relay` / `relay-refused` (see {@link RelayMessage}).
 *
 * The wire carries no version (y-webrtc's protocol has none); `protocol.test.ts` pins the message
 * types to those y-webrtc's own server handles (and `relay`), so a y-webrtc upgrade that changes
 * them fails there.
 *
 * This module has no Node or DOM dependency, so the browser and the server share it.
 */

/** Longest accepted topic, in UTF-16 code units. Meshpad's topics are 64 hex characters. */
export const MAX_TOPIC_LENGTH = 256

export interface SubscribeMessage {
  readonly type: 'subscribe'
  readonly topics: readonly string[]
}

export interface UnsubscribeMessage {
  readonly type: 'unsubscribe'
  readonly topics: readonly string[]
}

/**
 * A message for every subscriber of `topic`. The server never looks into `data`: y-webrtc puts
 * either a base64 string (AES-GCM encrypted, when the room has a password) or a plain object there.
 */
export interface PublishMessage {
  readonly type: 'publish'
  readonly topic: string
  readonly data: unknown
}

export interface PingMessage {
  readonly type: 'ping'
}

/**
 * Meshpad's relay of last resort (not y-webrtc's: its client ignores the type): `data`, ciphertext
 * under the room key, for the topic's other subscribers, when no WebRTC path joins two peers. The
 * sender must be subscribed to `topic`; the server forwards it to the topic's other subscribers
 * (on every instance) within its byte budgets, or answers {@link RelayRefusedMessage}.
 */
export interface RelayMessage {
  readonly type: 'relay'
  readonly topic: string
  readonly data: string
}

/** Longest `data` of a {@link RelayMessage}, in characters (base64 of a frame of at most 48 KiB). */
export const MAX_RELAY_DATA_LENGTH = 64 * 1024

/** Why the server did not forward a relay frame. */
export type RelayRefusal = 'off' | 'not_subscribed' | 'rate_limited'

export const RELAY_REFUSALS: readonly RelayRefusal[] = ['off', 'not_subscribed', 'rate_limited']

/** The server's answer to a relay frame it did not forward (at most one a second per connection and reason). */
export interface RelayRefusedMessage {
  readonly type: 'relay-refused'
  readonly topic: string
  readonly reason: RelayRefusal
}

export type ClientMessage = SubscribeMessage | UnsubscribeMessage | PublishMessage | PingMessage | RelayMessage

export interface PongMessage {
  readonly type: 'pong'
}

/**
 * A `publish` as relayed by the server: `clients` is the topic's subscriber count at fan-out time
 * on the instance that delivers it (with several instances, not the count across all of them).
 */
export interface RelayedPublishMessage extends PublishMessage {
  readonly clients: number
}

export type ServerMessage = PongMessage | RelayedPublishMessage | RelayMessage | RelayRefusedMessage

/** A topic is a non-empty string of at most {@link MAX_TOPIC_LENGTH} code units. */
export function isValidTopic(topic: unknown): topic is string {
  return typeof topic === 'string' && topic.length > 0 && topic.length <= MAX_TOPIC_LENGTH
}

function isTopicList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isValidTopic)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Parses one text frame from a client. It never throws: invalid JSON, a non-object, an unknown
 * `type`, a missing or mistyped field, or an invalid topic (anywhere in a list) yields `null`.
 * Unknown extra fields are ignored and not carried into the result, so a relayed message holds
 * exactly the fields of the protocol.
 */
export function parseClientMessage(raw: string): ClientMessage | null {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return null
  }
  if (!isRecord(value)) return null
  switch (value.type) {
    case 'subscribe':
    case 'unsubscribe':
      return isTopicList(value.topics) ? { type: value.type, topics: value.topics } : null
    case 'publish':
      // `data` must be present: JSON.stringify would silently drop an undefined field.
      return isValidTopic(value.topic) && 'data' in value ? { type: 'publish', topic: value.topic, data: value.data } : null
    case 'ping':
      return { type: 'ping' }
    case 'relay':
      return isValidTopic(value.topic) && typeof value.data === 'string' && value.data.length > 0 && value.data.length <= MAX_RELAY_DATA_LENGTH
        ? { type: 'relay', topic: value.topic, data: value.data }
        : null
    default:
      return null
  }
}

/**
 * `data` as JSON text, or `null` when it cannot be serialised. Parsing never fails on deep nesting
 * but serialising is recursive: a 64 KiB frame of nested arrays parses, then overflows the stack
 * in `JSON.stringify`.
 */
export function serializeData(data: unknown): string | null {
  try {
    return JSON.stringify(data)
  } catch {
    return null
  }
}

/**
 * The frame relayed to subscribers, built from `data` already serialised ({@link serializeData}),
 * so that one serialisation serves every receiver and every instance. Same JSON, same key order
 * as `JSON.stringify` of a {@link RelayedPublishMessage}.
 */
export function relayFrame(topic: string, dataJson: string, clients: number): string {
  return `{"type":"publish","topic":${JSON.stringify(topic)},"data":${dataJson},"clients":${clients}}`
}

/** A relay frame as forwarded to the topic's other subscribers; `data` is forwarded as received. */
export function peerRelayFrame(topic: string, data: string): string {
  return JSON.stringify({ type: 'relay', topic, data } satisfies RelayMessage)
}
