/**
 * Who is subscribed to which topic, indexed both ways so that a closing socket leaves all its
 * topics in time proportional to its own subscriptions.
 *
 * Invariant: no topic is stored without a subscriber and no subscriber without a topic, so `size`
 * is the number of live topics and memory is bounded by the live subscriptions.
 */
export class TopicRegistry<S> {
  private readonly subscribersByTopic = new Map<string, Set<S>>()
  private readonly topicsBySubscriber = new Map<S, Set<string>>()
  private subscriptionCount = 0

  /**
   * `events.opened` runs when a topic gets its first subscriber, `events.closed` when it loses its
   * last one (synchronously, inside `subscribe`/`unsubscribe`/`unsubscribeAll`).
   */
  constructor(private readonly events: { opened?(topic: string): void; closed?(topic: string): void } = {}) {}

  /** Number of topics with at least one subscriber. */
  get size(): number {
    return this.subscribersByTopic.size
  }

  /** Number of (subscriber, topic) pairs. */
  get subscriptions(): number {
    return this.subscriptionCount
  }

  /** Adds `subscriber` to `topic`; a no-op when already subscribed. */
  subscribe(topic: string, subscriber: S): void {
    let subscribers = this.subscribersByTopic.get(topic)
    if (subscribers?.has(subscriber)) return
    const opened = subscribers === undefined
    if (subscribers === undefined) {
      subscribers = new Set()
      this.subscribersByTopic.set(topic, subscribers)
    }
    subscribers.add(subscriber)
    let topics = this.topicsBySubscriber.get(subscriber)
    if (topics === undefined) {
      topics = new Set()
      this.topicsBySubscriber.set(subscriber, topics)
    }
    topics.add(topic)
    this.subscriptionCount++
    if (opened) this.events.opened?.(topic)
  }

  /** Removes `subscriber` from `topic`, deleting the topic when it becomes empty; false: was not in it. */
  unsubscribe(topic: string, subscriber: S): boolean {
    const subscribers = this.subscribersByTopic.get(topic)
    if (subscribers === undefined || !subscribers.delete(subscriber)) return false
    this.subscriptionCount--
    const topics = this.topicsBySubscriber.get(subscriber)
    topics?.delete(topic)
    if (topics?.size === 0) this.topicsBySubscriber.delete(subscriber)
    if (subscribers.size === 0) {
      this.subscribersByTopic.delete(topic)
      this.events.closed?.(topic)
    }
    return true
  }

  /** Removes `subscriber` from every topic it is in. */
  unsubscribeAll(subscriber: S): void {
    const topics = this.topicsBySubscriber.get(subscriber)
    if (topics === undefined) return
    for (const topic of [...topics]) this.unsubscribe(topic, subscriber)
  }

  /** The live subscriber set of `topic` (empty when none). Callers must not mutate it. */
  subscribersOf(topic: string): ReadonlySet<S> {
    return this.subscribersByTopic.get(topic) ?? EMPTY
  }

  /** Number of topics `subscriber` is in. */
  topicCountOf(subscriber: S): number {
    return this.topicsBySubscriber.get(subscriber)?.size ?? 0
  }

  /** Whether `topic` has at least one subscriber. */
  hasTopic(topic: string): boolean {
    return this.subscribersByTopic.has(topic)
  }

  /** Every topic with at least one subscriber. */
  topics(): IterableIterator<string> {
    return this.subscribersByTopic.keys()
  }

  /** Whether `subscriber` is in `topic`. */
  has(topic: string, subscriber: S): boolean {
    return this.subscribersByTopic.get(topic)?.has(subscriber) ?? false
  }
}

const EMPTY: ReadonlySet<never> = new Set<never>()
