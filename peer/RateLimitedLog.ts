import type { Logger } from 'pino'

/** Lines of one kind logged per window, at most; the rest are counted and summarised. */
export const LINES_PER_WINDOW = 10
export const WINDOW_MS = 60_000

interface Window {
  start: number
  logged: number
  suppressed: number
}

/**
 * Logging of events a stranger or a broken peer can cause at will (errors from hostile or
 * malformed input, refused rooms files): every event is counted (`count(kind)`, for `/metrics`),
 * but at most {@link LINES_PER_WINDOW} lines per kind and window are written; the first event of a
 * kind after a window with suppressed lines writes how many were left out. So a flood costs a
 * counter, not the disk, and the log still says it happened.
 */
export class RateLimitedLog {
  private readonly windows = new Map<string, Window>()

  constructor(
    private readonly log: Logger,
    private readonly count: (kind: string, suppressed: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Logs `message` at `level` with `fields` (and `kind`) unless its kind is over its share. */
  write(level: 'error' | 'warn', kind: string, fields: Record<string, unknown>, message: string): void {
    const now = this.now()
    let window = this.windows.get(kind)
    if (window === undefined || now - window.start >= WINDOW_MS) {
      const suppressed = window?.suppressed ?? 0
      window = { start: now, logged: 0, suppressed: 0 }
      this.windows.set(kind, window)
      if (suppressed > 0) this.log.warn({ kind, suppressed, windowMs: WINDOW_MS }, 'similar lines were left out of the log')
    }
    if (window.logged >= LINES_PER_WINDOW) {
      window.suppressed++
      this.count(kind, true)
      return
    }
    window.logged++
    this.count(kind, false)
    this.log[level]({ ...fields, kind }, message)
  }
}
