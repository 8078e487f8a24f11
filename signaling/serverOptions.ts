import type { Server } from 'node:http'
import type { Logger } from 'pino'
import type { IceConfig } from './ice/iceConfig.js'
import type { TrustProxy } from './limits/clientAddress.js'
import type { MetricTallies } from './observability/signalingMetrics.js'
import type { RedisLinkState } from './scaleOut/redisRelay.js'

/**
 * Every limit is per server instance. Breaches and their answers: see `closeReasons.ts` and
 * docs/limits.md.
 */
export interface SignalingServerOptions {
  /** TCP port; 0 picks a free one (see the result of `listen()`). */
  readonly port?: number
  /** Interface to bind. */
  readonly host?: string
  /** The built app (`dist/`). Absent or not a directory: every non-API path answers 404. */
  readonly staticDir?: string | URL
  /** Structured logs. Default: silent. */
  readonly logger?: Logger
  /** This instance's id in logs, metrics and Redis messages. Default: random. */
  readonly instanceId?: string
  /** Share topics with other instances through this Redis. Default: none (one instance). */
  readonly redisUrl?: string
  /** Prefix of the Redis channel of a topic. */
  readonly redisChannelPrefix?: string
  /** Largest accepted frame, in bytes; a larger one closes the connection with 1009. */
  readonly maxMessageBytes?: number
  /** Topics one connection may be in; subscriptions past it are ignored. */
  readonly maxTopicsPerConnection?: number
  /** Topics with a subscriber on this instance; subscriptions that would open more are ignored. */
  readonly maxTopics?: number
  /** Open connections on this instance; the handshake of one more is refused with 503. */
  readonly maxConnections?: number
  /**
   * Open connections from one client address (IPv6: one /64); one more is refused with 429. The
   * default fits a school of 300 behind one NAT with up to three tabs each.
   */
  readonly maxConnectionsPerAddress?: number
  /** Subscriptions (connection, topic) of one address; more are ignored (`address_topics`). */
  readonly maxSubscriptionsPerAddress?: number
  /** Frames of one address over all its connections; more are dropped (`address_rate_limited`). */
  readonly addressRateLimit?: { readonly perSecond: number; readonly burst: number } | false
  /**
   * Addresses/subnets (proxy-addr syntax: `203.0.113.5`, `10.0.0.0/8`, `loopback`) exempt from the
   * per-address and per-connection topic and rate limits: the operator's always-on peer.
   */
  readonly exemptAddresses?: readonly string[]
  /** `/ice-servers` requests of one address; more get 429. */
  readonly iceRateLimit?: { readonly perSecond: number; readonly burst: number } | false
  /** How long `/ice-servers` waits for the asking address to be in a room before it answers without TURN. */
  readonly iceWaitMs?: number
  /**
   * Frames one connection may send: `burst` at once, refilled at `perSecond`; one more closes it
   * with 1008. `false` disables the limit (tests, benchmarks). The default allows a newcomer in a
   * full y-webrtc room to send offers/answers and ICE candidates to ~20-35 peers in a burst.
   */
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number } | false
  /** A receiver with more than this many bytes queued for sending is closed with 1008. */
  readonly maxBufferedBytes?: number
  /**
   * The relay of last resort (`RelayMessage`): bytes per second one connection may send through
   * it and the instance forwards in all; `false` turns it off (clients are told, and say so).
   */
  readonly peerRelay?: { readonly connectionBytesPerSecond: number; readonly instanceBytesPerSecond: number } | false
  /** Origins (`https://host[:port]`) allowed to connect; others are refused with 403. Default: any. */
  readonly allowedOrigins?: readonly string[]
  /** Which `X-Forwarded-For` hops to believe for the client address (see `clientAddress.ts`). */
  readonly trustProxy?: TrustProxy
  /** Ping interval; a connection that has not answered the previous ping is destroyed. */
  readonly heartbeatMs?: number
  /** How long a closing connection may take to finish the closing handshake before it is destroyed. */
  readonly closeTimeoutMs?: number
  /** PEM certificate (chain) and key: the server speaks https and wss itself. Default: plain http. */
  readonly tls?: { readonly cert: string; readonly key: string }
  /** What `GET /ice-servers` hands out (see `ice/iceConfig.ts`). Default: no ICE servers. */
  readonly ice?: IceConfig
}

export const DEFAULTS = {
  port: 4444,
  host: '0.0.0.0',
  redisChannelPrefix: 'meshpad:signaling:',
  maxMessageBytes: 64 * 1024,
  maxTopicsPerConnection: 256,
  maxTopics: 100_000,
  maxConnections: 10_000,
  maxConnectionsPerAddress: 1000,
  maxSubscriptionsPerAddress: 3000,
  addressRateLimit: { perSecond: 2000, burst: 20_000 },
  exemptAddresses: [] as readonly string[],
  iceRateLimit: { perSecond: 2, burst: 600 },
  iceWaitMs: 5000,
  rateLimit: { perSecond: 100, burst: 1000 },
  maxBufferedBytes: 4 * 1024 * 1024,
  peerRelay: { connectionBytesPerSecond: 256 * 1024, instanceBytesPerSecond: 16 * 1024 * 1024 },
  trustProxy: 0,
  heartbeatMs: 30_000,
  closeTimeoutMs: 2000,
} as const

/** The Redis link as `/healthz` and `stats()` report it: `disabled` without `redisUrl`. */
export type RedisStatus = RedisLinkState | 'disabled'

/** Counters since creation, plus the current state. */
export interface SignalingStats extends MetricTallies {
  /** Open WebSockets. */
  readonly connections: number
  /** Topics with at least one subscriber on this instance. */
  readonly topics: number
  /** (connection, topic) pairs. */
  readonly subscriptions: number
  readonly redis: RedisStatus
}

export interface SignalingServer {
  /** Starts listening; resolves with the bound address. Rejects after `close()` or on bind errors. */
  listen(): Promise<{ port: number; host: string }>
  /**
   * Graceful and idempotent: stops accepting, closes every connection with 1012 (clients reconnect,
   * here after a restart or to another instance), destroys those that do not finish the closing
   * handshake within `closeTimeoutMs`, disconnects from Redis, closes the HTTP server. Every call
   * returns the same promise.
   */
  close(): Promise<void>
  stats(): SignalingStats
  /** This instance's id (logs, metrics, Redis). */
  readonly instanceId: string
  /** The underlying server, for callers that attach to it (tests, embedding). */
  readonly server: Server
}
