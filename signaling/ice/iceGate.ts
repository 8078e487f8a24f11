import type { Logger } from 'pino'
import type { IceOutcome } from '../closeReasons.js'
import { TokenBucket } from '../hub/tokenBucket.js'
import type { AddressLedger } from '../limits/addressLedger.js'
import type { SignalingMetrics } from '../observability/signalingMetrics.js'
import type { IceConfig } from './iceConfig.js'
import { issueIceServers, stunOnly } from './issueIceServers.js'

/** How an `/ice-servers` request is answered: status, extra headers, JSON body. */
export interface IceAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: unknown
}

export interface IceGateOptions {
  readonly ice: IceConfig
  readonly ledger: AddressLedger
  /** How long a request waits for its address to be in a room (the page asks while it connects). */
  readonly waitMs: number
  /** `/ice-servers` requests one address may make: `burst` at once, refilled at `perSecond`. */
  readonly rate: { readonly perSecond: number; readonly burst: number } | false
  readonly metrics: SignalingMetrics
  readonly logger: Logger
  readonly now?: () => number
}

/** A page not in a room asks again after this long (its renewal runs at 80 % of it). */
export const NOT_IN_ROOM_RETRY_MS = 60_000
/** Addresses whose request rate is remembered; past it the oldest is forgotten. */
const MAX_TRACKED_ADDRESSES = 50_000

/**
 * `GET /ice-servers`: TURN credentials only for people in a room. It is responsible for deciding
 * who gets them: an address (IPv4, IPv6 /64) with a signaling connection subscribed to a topic on
 * this instance, waited for up to `waitMs` (the app asks for ICE servers while its WebSocket opens),
 * and within its request rate. Everybody else gets the STUN servers (public knowledge) and no
 * TURN; an address over its rate gets 429 with `Retry-After`. Every answer is counted by outcome.
 *
 * The server cannot tell a room member from a stranger who subscribed to a made-up topic
 * (topics are hashes it cannot check), so "in a room" raises the cost (a WebSocket under the
 * per-address budgets) rather than proving membership; what bounds a stranger's use of the relay is
 * one username per address and window (see `issueIceServers`) under coturn's quotas and caps.
 */
export class IceGate {
  private readonly buckets = new Map<string, TokenBucket>()
  private readonly now: () => number

  constructor(private readonly options: IceGateOptions) {
    this.now = options.now ?? Date.now
  }

  /** The answer for a request from `address`, whose budget key is `key`. */
  async answer(key: string, address: string): Promise<IceAnswer> {
    const { ice, rate, metrics } = this.options
    if (rate !== false && !this.bucketOf(key, rate).take()) {
      metrics.iceAnswered('rate_limited')
      // Logged by the metric only: a flood of these must not flood the log too.
      return { status: 429, headers: { 'Retry-After': '30' }, body: { error: 'too many requests from this address' } }
    }
    if (ice.turn === undefined) return this.counted('no_turn', stunOnly(ice))
    if (!(await this.options.ledger.whenInRoom(key, this.options.waitMs))) {
      this.options.logger.debug({ address }, 'no TURN credentials: not in a room')
      return this.counted('not_in_room', { ...stunOnly(ice, this.now() + NOT_IN_ROOM_RETRY_MS), turn: 'not_in_room' })
    }
    return this.counted('issued', issueIceServers(ice, key, this.now()))
  }

  private counted(outcome: IceOutcome, body: unknown): IceAnswer {
    this.options.metrics.iceAnswered(outcome)
    return { status: 200, headers: {}, body }
  }

  private bucketOf(key: string, rate: { readonly perSecond: number; readonly burst: number }): TokenBucket {
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      if (this.buckets.size >= MAX_TRACKED_ADDRESSES) this.buckets.delete(this.buckets.keys().next().value!)
      bucket = new TokenBucket(rate.perSecond, rate.burst)
      this.buckets.set(key, bucket)
    }
    return bucket
  }
}
