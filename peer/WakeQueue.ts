/** The bounds on waking rooms (see {@link WakeQueue}). */
export interface WakeLimits {
  /** Rooms waking at once: deriving their key, opening their session, reading their document. */
  readonly concurrent: number
  /** Rooms awake at once (waking ones included); past it, wakes wait until a room sleeps. */
  readonly awake: number
}

/**
 * Eight rooms wake at once and at most 1,000 are awake, so that whoever publishes on every topic
 * the peer keeps cannot make it open them all: open sessions stay a bounded share of its memory.
 */
export const WAKE_LIMITS: WakeLimits = { concurrent: 8, awake: 1_000 }

/**
 * Rooms waiting to wake, first asked first served, each at most once. It is responsible for the
 * bounds of {@link WakeLimits}: it starts a wake only below both, and starts the next when one
 * finishes or when `pump()` says a room went to sleep. It does not know what waking means.
 */
export class WakeQueue {
  private readonly waiting = new Set<string>()
  private readonly running = new Set<string>()
  private destroyed = false

  constructor(
    private readonly limits: WakeLimits,
    /** Rooms awake now, the waking ones included. */
    private readonly awake: () => number,
    /** Wakes the room of `topic`; resolves once it is up (or gave up). */
    private readonly wake: (topic: string) => Promise<void>,
  ) {}

  /** Rooms waiting. */
  get size(): number {
    return this.waiting.size
  }

  /** Rooms waking now. */
  get inFlight(): number {
    return this.running.size
  }

  /** Asks for `topic`'s room to wake; asking again while it waits or wakes changes nothing. */
  request(topic: string): void {
    if (this.destroyed || this.running.has(topic)) return
    this.waiting.add(topic)
    this.pump()
  }

  /** Forgets a room that no longer needs waking (it left). */
  cancel(topic: string): void {
    this.waiting.delete(topic)
  }

  /** Starts every wake the bounds allow now. */
  pump(): void {
    while (!this.destroyed && this.waiting.size > 0 && this.running.size < this.limits.concurrent && this.awake() < this.limits.awake) {
      const topic = this.waiting.values().next().value as string
      this.waiting.delete(topic)
      this.running.add(topic)
      void this.wake(topic)
        .catch(() => {})
        .finally(() => {
          this.running.delete(topic)
          this.pump()
        })
    }
  }

  /** Idempotent: forgets every waiting room and starts no more. */
  destroy(): void {
    this.destroyed = true
    this.waiting.clear()
  }
}
