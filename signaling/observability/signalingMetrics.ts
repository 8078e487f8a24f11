import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client'
import {
  CLOSE_REASONS,
  DROP_REASONS,
  ICE_OUTCOMES,
  REFUSAL_REASONS,
  SUBSCRIPTION_REFUSALS,
  type CloseReason,
  type DropReason,
  type IceOutcome,
  type RefusalReason,
  type SubscriptionRefusal,
} from '../closeReasons.js'

/** Live values read when `/metrics` is scraped. */
export interface MetricSources {
  connections(): number
  topics(): number
  subscriptions(): number
  /** Whether the Redis link is up; absent when Redis is not configured (no gauge then). */
  redisUp?: () => boolean
}

/** Counters since creation, as plain numbers: for `stats()`, tests and `/healthz`. */
export interface MetricTallies {
  /** WebSockets accepted. */
  readonly accepted: number
  /** Frames received from clients. */
  readonly received: number
  /** Frames sent to clients (pongs and relayed publishes). */
  readonly sent: number
  /** Publishes fanned out to at least one local subscriber, from local clients or from Redis. */
  readonly published: number
  /** Messages published to Redis / received from other instances through Redis. */
  readonly redisPublished: number
  readonly redisReceived: number
  /** Bytes of relay frames accepted for forwarding. */
  readonly relayedBytes: number
  /** Handshakes refused at the door, by reason. */
  readonly refused: Readonly<Record<RefusalReason, number>>
  /** Open connections closed, by reason. */
  readonly closed: Readonly<Record<CloseReason, number>>
  /** Subscriptions ignored, by reason (one per topic). */
  readonly subscriptionsRefused: Readonly<Record<SubscriptionRefusal, number>>
  /** Frames ignored, by reason. */
  readonly dropped: Readonly<Record<DropReason, number>>
  /** `GET /ice-servers` answers, by outcome. */
  readonly ice: Readonly<Record<IceOutcome, number>>
}

const PREFIX = 'meshpad_signaling_'

let processRegistry: Registry | undefined

/**
 * The process's default metrics (CPU, memory, event loop lag, GC, handles), collected once per
 * process.
 *
 * Each `collectDefaultMetrics` call starts an event-loop-delay monitor and a GC observer that
 * are never stopped; collecting them per server would leak those in tests that start many servers,
 * and they describe the process anyway, not one server.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>
}

/**
 * One signaling server's metrics, in a registry of its own (never prom-client's global default),
 * so several servers in one process count separately. It is responsible for counting; callers
 * decide what happened. Every method is cheap enough for the per-frame path.
 */
export class SignalingMetrics {
  /** What `GET /metrics` serves: this server's metrics plus the process's default metrics. */
  readonly registry: Registry
  private readonly own = new Registry()
  private readonly counts = { accepted: 0, received: 0, sent: 0, published: 0, redisPublished: 0, redisReceived: 0, relayedBytes: 0 }
  private readonly refusals = zeroes(REFUSAL_REASONS)
  private readonly closes = zeroes(CLOSE_REASONS)
  private readonly subscriptionRefusals = zeroes(SUBSCRIPTION_REFUSALS)
  private readonly drops = zeroes(DROP_REASONS)
  private readonly iceOutcomes = zeroes(ICE_OUTCOMES)

  private readonly acceptedTotal: Counter
  private readonly receivedTotal: Counter
  private readonly receivedBytes: Counter
  private readonly sentTotal: Counter
  private readonly sentBytes: Counter
  private readonly publishedTotal: Counter<'source'>
  private readonly fanoutSize: Histogram
  private readonly droppedTotal: Counter<'reason'>
  private readonly refusedTotal: Counter<'reason'>
  private readonly closesTotal: Counter<'reason'>
  private readonly subscriptionsRefusedTotal: Counter<'reason'>
  private readonly redisPublishedTotal: Counter
  private readonly redisReceivedTotal: Counter
  private readonly iceRequestsTotal: Counter<'outcome'>
  private readonly relayedBytes: Counter

  constructor(sources: MetricSources, instanceId: string) {
    const registers = [this.own]
    new Gauge({ name: `${PREFIX}info`, help: 'Always 1; labels identify this server instance (its id is in every log line).', labelNames: ['instance_id'], registers }).set({ instance_id: instanceId }, 1)
    new Gauge({ name: `${PREFIX}connections`, help: 'Open signaling WebSockets.', registers, collect() { this.set(sources.connections()) } })
    new Gauge({ name: `${PREFIX}topics`, help: 'Topics with at least one subscriber on this instance.', registers, collect() { this.set(sources.topics()) } })
    new Gauge({ name: `${PREFIX}subscriptions`, help: '(connection, topic) pairs on this instance.', registers, collect() { this.set(sources.subscriptions()) } })
    const { redisUp } = sources
    if (redisUp !== undefined) {
      new Gauge({ name: `${PREFIX}redis_up`, help: '1 when the Redis pub/sub link is up, 0 when it is down or connecting.', registers, collect() { this.set(redisUp() ? 1 : 0) } })
    }
    this.acceptedTotal = new Counter({ name: `${PREFIX}connections_accepted_total`, help: 'WebSockets accepted.', registers })
    this.refusedTotal = new Counter({ name: `${PREFIX}connections_refused_total`, help: 'WebSocket handshakes refused with an HTTP status, by reason.', labelNames: ['reason'], registers })
    this.receivedTotal = new Counter({ name: `${PREFIX}messages_received_total`, help: 'Frames received from clients.', registers })
    this.receivedBytes = new Counter({ name: `${PREFIX}received_bytes_total`, help: 'Payload bytes received from clients.', registers })
    this.sentTotal = new Counter({ name: `${PREFIX}messages_sent_total`, help: 'Frames sent to clients (pongs and relayed publishes).', registers })
    this.sentBytes = new Counter({ name: `${PREFIX}sent_bytes_total`, help: 'Payload bytes sent to clients.', registers })
    this.publishedTotal = new Counter({ name: `${PREFIX}publishes_total`, help: 'Publishes fanned out to local subscribers, by where they came from (local client or redis).', labelNames: ['source'], registers })
    this.fanoutSize = new Histogram({ name: `${PREFIX}fanout_size`, help: 'Local subscribers one publish was delivered to.', buckets: [1, 2, 3, 5, 10, 20, 35, 50, 100, 250, 1000], registers })
    this.droppedTotal = new Counter({ name: `${PREFIX}frames_dropped_total`, help: 'Frames ignored without closing the connection, by reason.', labelNames: ['reason'], registers })
    this.closesTotal = new Counter({ name: `${PREFIX}closes_total`, help: 'Open connections closed, by reason.', labelNames: ['reason'], registers })
    this.subscriptionsRefusedTotal = new Counter({ name: `${PREFIX}subscriptions_refused_total`, help: 'Subscriptions ignored by a topic limit, by reason.', labelNames: ['reason'], registers })
    this.redisPublishedTotal = new Counter({ name: `${PREFIX}redis_published_total`, help: 'Publishes forwarded to other instances through Redis.', registers })
    this.redisReceivedTotal = new Counter({ name: `${PREFIX}redis_received_total`, help: 'Publishes received from other instances through Redis.', registers })
    this.relayedBytes = new Counter({ name: `${PREFIX}relay_bytes_total`, help: 'Bytes of relay frames (the relay of last resort) accepted from local clients for forwarding.', registers })
    this.iceRequestsTotal = new Counter({ name: `${PREFIX}ice_requests_total`, help: 'GET /ice-servers answers, by outcome (issued TURN credentials, or why not).', labelNames: ['outcome'], registers })
    // Every reason is reported from the start (as 0), so a rate() over it has a baseline.
    for (const reason of REFUSAL_REASONS) this.refusedTotal.inc({ reason }, 0)
    for (const reason of CLOSE_REASONS) this.closesTotal.inc({ reason }, 0)
    for (const reason of SUBSCRIPTION_REFUSALS) this.subscriptionsRefusedTotal.inc({ reason }, 0)
    for (const reason of DROP_REASONS) this.droppedTotal.inc({ reason }, 0)
    for (const outcome of ICE_OUTCOMES) this.iceRequestsTotal.inc({ outcome }, 0)
    this.registry = Registry.merge([this.own, processMetrics()])
  }

  accepted(): void {
    this.counts.accepted++
    this.acceptedTotal.inc()
  }

  received(bytes: number): void {
    this.counts.received++
    this.receivedTotal.inc()
    this.receivedBytes.inc(bytes)
  }

  sent(frames: number, bytesEach: number): void {
    this.counts.sent += frames
    this.sentTotal.inc(frames)
    this.sentBytes.inc(frames * bytesEach)
  }

  /** A publish fanned out to `size` local subscribers. */
  fannedOut(size: number, source: 'local' | 'redis'): void {
    this.counts.published++
    this.publishedTotal.inc({ source })
    this.fanoutSize.observe(size)
  }

  dropped(reason: DropReason): void {
    this.drops[reason]++
    this.droppedTotal.inc({ reason })
  }

  refused(reason: RefusalReason): void {
    this.refusals[reason]++
    this.refusedTotal.inc({ reason })
  }

  subscriptionRefused(reason: SubscriptionRefusal, count: number): void {
    this.subscriptionRefusals[reason] += count
    this.subscriptionsRefusedTotal.inc({ reason }, count)
  }

  closed(reason: CloseReason): void {
    this.closes[reason]++
    this.closesTotal.inc({ reason })
  }

  iceAnswered(outcome: IceOutcome): void {
    this.iceOutcomes[outcome]++
    this.iceRequestsTotal.inc({ outcome })
  }

  /** A relay frame of `bytes` accepted for forwarding. */
  relayed(bytes: number): void {
    this.counts.relayedBytes += bytes
    this.relayedBytes.inc(bytes)
  }

  redisPublished(): void {
    this.counts.redisPublished++
    this.redisPublishedTotal.inc()
  }

  redisReceived(): void {
    this.counts.redisReceived++
    this.redisReceivedTotal.inc()
  }

  tallies(): MetricTallies {
    return {
      ...this.counts,
      refused: { ...this.refusals },
      closed: { ...this.closes },
      subscriptionsRefused: { ...this.subscriptionRefusals },
      dropped: { ...this.drops },
      ice: { ...this.iceOutcomes },
    }
  }
}
