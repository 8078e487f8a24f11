/**
 * A token bucket: up to `burst` events at once, refilled at `perSecond` events per second.
 * It is responsible for deciding only; what happens to a refused event is the caller's business.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.tokens = burst
    this.last = now()
  }

  /** Takes `count` tokens; returns false (and takes nothing) when the bucket holds fewer. */
  take(count = 1): boolean {
    const now = this.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond)
    this.last = now
    if (this.tokens < count) return false
    this.tokens -= count
    return true
  }
}
