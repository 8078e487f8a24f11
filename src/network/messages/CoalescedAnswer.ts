/**
 * One kind of answer on one link, given at most once per `intervalMs`: the first request is
 * answered at once; requests that come sooner after an answer wait, and only the latest of them is
 * answered when the time has come. An answer that cannot be given yet (`answer` returns false: the
 * link's credit is short) is tried again an interval later. So a peer that asks 10,000 times costs
 * one answer per interval at most, and an honest peer's request is never lost. It owns its timer;
 * `destroy()` drops what waits.
 */
export class CoalescedAnswer<T> {
  private pending: { readonly value: T } | null = null
  private last = -Infinity
  private timer: ReturnType<typeof setTimeout> | null = null
  private destroyed = false

  constructor(
    private readonly intervalMs: number,
    private readonly answer: (request: T) => boolean,
    private readonly now: () => number = () => performance.now(),
  ) {}

  request(value: T): void {
    if (this.destroyed) return
    this.pending = { value }
    if (this.timer !== null) return
    const wait = this.last + this.intervalMs - this.now()
    if (wait <= 0) this.run()
    else this.timer = setTimeout(this.run, wait)
  }

  private readonly run = (): void => {
    this.timer = null
    const pending = this.pending
    if (pending === null || this.destroyed) return
    this.last = this.now()
    if (this.answer(pending.value)) {
      if (this.pending === pending) this.pending = null
    } else if (this.timer === null) {
      this.timer = setTimeout(this.run, this.intervalMs)
    }
  }

  /** Idempotent. */
  destroy(): void {
    this.destroyed = true
    this.pending = null
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
