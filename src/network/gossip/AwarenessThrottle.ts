/** Least time between two awareness updates this person sends (cursor moves are coalesced). */
export const AWARENESS_SEND_INTERVAL_MS = 100

/** Least time between two awareness updates of one person that this peer forwards. */
export const AWARENESS_FORWARD_INTERVAL_MS = 50

/** Most awareness clients remembered; beyond it the oldest are forgotten. */
const MAX_CLIENTS = 4096

/**
 * Rate-limits awareness (cursors, selections) per person: this person's own updates go out at most
 * once per {@link AWARENESS_SEND_INTERVAL_MS} — a held-back one is sent later, by `flush`, with the
 * latest state — and another person's updates are forwarded at most once per
 * {@link AWARENESS_FORWARD_INTERVAL_MS}, so that nobody can make the room carry more than that,
 * whatever the rate they send at. A dropped forward loses nothing lasting: awareness states carry
 * the whole state, and y-protocols renews each one every 15 s.
 */
export class AwarenessThrottle {
  private readonly last = new Map<number, number>()
  private timer: ReturnType<typeof setTimeout> | null = null
  private destroyed = false

  constructor(
    /** Sends this person's current state again (a fresh awareness update). */
    private readonly flush: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Whether an awareness update about `clients`, from `from` (null: this person's own), may go out now. */
  allow(from: string | null, clients: readonly number[]): boolean {
    const now = this.now()
    const interval = from === null ? AWARENESS_SEND_INTERVAL_MS : AWARENESS_FORWARD_INTERVAL_MS
    const early = clients.some((client) => now - (this.last.get(client) ?? -Infinity) < interval)
    if (early) {
      if (from === null && this.timer === null && !this.destroyed) {
        const wait = Math.max(...clients.map((client) => interval - (now - (this.last.get(client) ?? 0))))
        this.timer = setTimeout(() => {
          this.timer = null
          if (!this.destroyed) this.flush()
        }, wait)
      }
      return false
    }
    for (const client of clients) {
      this.last.delete(client)
      this.last.set(client, now)
    }
    while (this.last.size > MAX_CLIENTS) this.last.delete(this.last.keys().next().value as number)
    return true
  }

  /** Idempotent: cancels a pending flush. */
  destroy(): void {
    this.destroyed = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
