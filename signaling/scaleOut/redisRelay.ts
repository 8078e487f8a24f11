import { Redis, type RedisOptions } from 'ioredis'
import type { Logger } from 'pino'
import type { TopicRelay } from '../hub/signalingHub.js'
import type { SignalingMetrics } from '../observability/signalingMetrics.js'

/**
 * The link to Redis: `connecting` until it is first up, then `up` or `down`, and `closed` after
 * `close()`. Up means both connections (publishing and subscribed) are ready.
 */
export type RedisLinkState = 'connecting' | 'up' | 'down' | 'closed'

export interface RedisRelayOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
  readonly url: string
  /** Prepended to a topic to name its Redis channel, so deployments can share a Redis. */
  readonly channelPrefix: string
  /** This instance's id: publishes carry it, so an instance ignores its own echo. No spaces. */
  readonly instanceId: string
  readonly logger: Logger
  readonly metrics: SignalingMetrics
  /** Fans a publish from another instance out to the local subscribers of `topic`. */
  readonly deliver: (topic: string, dataJson: string) => void
  /** Fans a relay frame from another instance out to the local subscribers of `topic`. */
  readonly deliverRelay: (topic: string, data: string) => void
  /** Topics with local subscribers now: subscribed again whenever the link comes (back) up. */
  readonly localTopics: () => Iterable<string>
  /** Called on every change of {@link RedisRelay.state}. */
  readonly onStateChange?: (state: RedisLinkState) => void
  /** Publishes sent to Redis and not yet acknowledged; beyond it, publishes are dropped. Default 10,000. */
  readonly maxPendingPublishes?: number
}

/** Marks a relay frame among a topic's publishes on Redis (publish data is JSON: it never starts so). */
const RELAY_MARK = '~relay'
const RELAY_MARK_SPACE = `${RELAY_MARK} `

function parseRelayData(json: string): string | null {
  try {
    const data: unknown = JSON.parse(json)
    return typeof data === 'string' ? data : null
  } catch {
    return null
  }
}

/** SUBSCRIBE at most this many channels per command when resubscribing everything. */
const SUBSCRIBE_BATCH = 1000

/** Redis URL without its credentials, for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.toString()
  } catch {
    return '(invalid URL)'
  }
}

/**
 * Shares topics between instances through Redis pub/sub: a channel per topic, subscribed while the
 * topic has a local subscriber. Every publish from a local client goes to Redis as
 * `<instanceId> <data JSON>`; a message with our own id is our echo and is ignored, so each
 * subscriber, wherever it is connected, receives each publish exactly once.
 *
 * It is responsible for the link: while Redis is away nothing is queued (publishes to other
 * instances are dropped and counted; local fan-out does not depend on it), and when Redis returns
 * every local topic is subscribed again. It should not decide anything about clients.
 *
 * Subscriptions are restored from the hub's topics, not by ioredis' `autoResubscribe`,
 * which replays only the channels Redis had acknowledged before the link broke: it would miss
 * topics opened while Redis was away and restore topics closed meanwhile.
 */
export class RedisRelay implements TopicRelay {
  private currentState: RedisLinkState = 'connecting'
  private readonly publisher: Redis
  private readonly subscriber: Redis
  private readonly toSubscribe = new Set<string>()
  private readonly toUnsubscribe = new Set<string>()
  private flushScheduled = false
  private pendingPublishes = 0
  /** The subscriber connection has acknowledged every local topic since it last connected. */
  private subscriberSynced = false
  private readonly maxPendingPublishes: number
  private closing: Promise<void> | undefined
  private lastError: string | undefined

  constructor(private readonly options: RedisRelayOptions) {
    this.maxPendingPublishes = options.maxPendingPublishes ?? 10_000
    const redisOptions: RedisOptions = {
      // No offline queue: while Redis is away, commands fail at once instead of piling up in
      // memory; a publish in flight when the link breaks fails too (maxRetriesPerRequest 0)
      // rather than being replayed late.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      autoResubscribe: false,
      connectTimeout: 5000,
      // Capped backoff, so the link is back within ~2 s of Redis returning.
      retryStrategy: (times) => Math.min(times * 100, 2000),
    }
    this.publisher = new Redis(options.url, { ...redisOptions, connectionName: `meshpad-${options.instanceId}-pub` })
    this.subscriber = new Redis(options.url, { ...redisOptions, connectionName: `meshpad-${options.instanceId}-sub` })
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('ready', () => this.maybeUp())
      // 'close' follows both a broken link and a failed connection attempt, so 'connecting'
      // lasts only until the first attempt fails.
      connection.on('close', () => {
        if (connection === this.subscriber) this.subscriberSynced = false
        if (this.currentState !== 'closed') this.setState('down')
      })
      // Without a listener ioredis prints every failed reconnection attempt to stderr.
      connection.on('error', (error: Error) => {
        this.lastError = error.message
      })
    }
    this.subscriber.on('ready', () => this.resubscribeAll())
    this.subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message))
  }

  get state(): RedisLinkState {
    return this.currentState
  }

  topicOpened(topic: string): void {
    this.toUnsubscribe.delete(topic)
    this.toSubscribe.add(topic)
    this.scheduleFlush()
  }

  topicClosed(topic: string): void {
    this.toSubscribe.delete(topic)
    this.toUnsubscribe.add(topic)
    this.scheduleFlush()
  }

  publish(topic: string, dataJson: string): void {
    if (this.currentState !== 'up' || this.pendingPublishes >= this.maxPendingPublishes) {
      this.options.metrics.dropped('redis_unavailable')
      return
    }
    this.pendingPublishes++
    this.publisher.publish(this.options.channelPrefix + topic, `${this.options.instanceId} ${dataJson}`).then(
      () => {
        this.pendingPublishes--
        this.options.metrics.redisPublished()
      },
      () => {
        this.pendingPublishes--
        this.options.metrics.dropped('redis_unavailable')
      },
    )
  }

  /**
   * A relay frame for other instances: `<instanceId>~relay <data>` on the topic's channel. An
   * instance of an earlier release reads it as a publish whose data is not JSON text a client can
   * decrypt; y-webrtc ignores it.
   */
  relay(topic: string, data: string): void {
    this.publish(topic, `${RELAY_MARK} ${JSON.stringify(data)}`)
  }

  /** Closes both connections (politely when Redis is up, within `timeoutMs`); idempotent. */
  close(timeoutMs = 1000): Promise<void> {
    this.closing ??= (async () => {
      this.setState('closed')
      const quit = Promise.allSettled([this.publisher.quit(), this.subscriber.quit()])
      let timer: NodeJS.Timeout | undefined
      await Promise.race([quit, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
      clearTimeout(timer)
      this.publisher.disconnect()
      this.subscriber.disconnect()
    })()
    return this.closing
  }

  private onMessage(channel: string, message: string): void {
    const { channelPrefix, instanceId } = this.options
    if (!channel.startsWith(channelPrefix)) return
    const space = message.indexOf(' ')
    if (space < 0 || message.slice(0, space) === instanceId) return
    this.options.metrics.redisReceived()
    // Redis is trusted infrastructure: whoever can publish on it can reach clients anyway.
    const topic = channel.slice(channelPrefix.length)
    const body = message.slice(space + 1)
    if (body.startsWith(RELAY_MARK_SPACE)) {
      const data = parseRelayData(body.slice(RELAY_MARK_SPACE.length))
      if (data !== null) this.options.deliverRelay(topic, data)
      return
    }
    this.options.deliver(topic, body)
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    // Batched per turn of the event loop: a client subscribing to many topics costs one
    // SUBSCRIBE, and a topic opened and closed within one turn costs nothing.
    setImmediate(() => this.flush())
  }

  private flush(): void {
    this.flushScheduled = false
    const subscribe = [...this.toSubscribe].map((topic) => this.options.channelPrefix + topic)
    const unsubscribe = [...this.toUnsubscribe].map((topic) => this.options.channelPrefix + topic)
    this.toSubscribe.clear()
    this.toUnsubscribe.clear()
    // While the subscriber is not ready, nothing is sent: `resubscribeAll` on 'ready'
    // subscribes whatever is open then.
    if (this.subscriber.status !== 'ready' || this.currentState === 'closed') return
    if (unsubscribe.length) this.subscriber.unsubscribe(...unsubscribe).catch(() => {})
    if (subscribe.length) this.subscriber.subscribe(...subscribe).catch(() => {})
  }

  private resubscribeAll(): void {
    if (this.currentState === 'closed') return
    this.toSubscribe.clear()
    this.toUnsubscribe.clear()
    const batches: string[][] = [[]]
    for (const topic of this.options.localTopics()) {
      if (batches.at(-1)!.length === SUBSCRIBE_BATCH) batches.push([])
      batches.at(-1)!.push(this.options.channelPrefix + topic)
    }
    const subscribed = batches.filter((batch) => batch.length > 0).map((batch) => this.subscriber.subscribe(...batch))
    // The link counts as up only once Redis has acknowledged every local topic, so `up`
    // means publishes from other instances reach this one. A failure here means the connection
    // broke again; the next 'ready' starts over.
    Promise.all(subscribed).then(
      () => {
        if (this.subscriber.status !== 'ready') return
        this.subscriberSynced = true
        this.maybeUp()
      },
      () => {},
    )
  }

  /** `up` once both connections are ready and every local topic is subscribed. */
  private maybeUp(): void {
    if (this.currentState === 'closed') return
    if (this.publisher.status === 'ready' && this.subscriber.status === 'ready' && this.subscriberSynced) this.setState('up')
  }

  private setState(state: RedisLinkState): void {
    if (state === this.currentState) return
    this.currentState = state
    const url = redactRedisUrl(this.options.url)
    if (state === 'up') this.options.logger.info({ redis: url }, 'redis link up')
    else if (state === 'down') this.options.logger.warn({ redis: url, error: this.lastError }, 'redis link down: cross-instance delivery paused, local delivery continues')
    this.options.onStateChange?.(state)
  }
}
