import type * as Y from 'yjs'
import { docText } from '../docMeta'
import type { VersionAuthors } from './authorsSinceLastVersion'
import { listVersions, recordVersion, RESTORE_ORIGIN, VERSION_ORIGIN } from './versionList'

/** How long this peer's own editing must pause before a version is recorded. */
export const AUTO_VERSION_PAUSE_MS = 10_000
/** Shortest time between two automatic versions by one person. */
export const AUTO_VERSION_INTERVAL_MS = 5 * 60_000

export interface AutoVersionerOptions {
  /** The name of the person editing here, now. */
  readonly name: () => string
  /** The people whose edits a new version holds. */
  readonly authors: () => VersionAuthors
  readonly pauseMs?: number
  readonly intervalMs?: number
  readonly now?: () => number
}

/** The states of an automatic versioner. */
export type AutoVersionerState = 'idle' | 'editing' | 'waiting' | 'destroyed'

/**
 * Records a version when this peer's own edits of the text pause after changes, at most one per
 * person per `intervalMs`. Each peer versions only its own edits (local transactions), so
 * peers never record the same pause twice; remote updates and stored copies do not count, and a
 * version recorded here by hand or by a restore covers the edits before it.
 */
export class AutoVersioner {
  private stateValue: AutoVersionerState = 'idle'
  private timer: ReturnType<typeof setTimeout> | null = null
  private lastOwn: number
  private readonly pauseMs: number
  private readonly intervalMs: number
  private readonly now: () => number

  constructor(
    private readonly doc: Y.Doc,
    private readonly options: AutoVersionerOptions,
  ) {
    this.pauseMs = options.pauseMs ?? AUTO_VERSION_PAUSE_MS
    this.intervalMs = options.intervalMs ?? AUTO_VERSION_INTERVAL_MS
    this.now = options.now ?? Date.now
    this.lastOwn = Number.NEGATIVE_INFINITY
    doc.on('afterTransaction', this.onTransaction)
  }

  /** 'editing': own changes, pause not over; 'waiting': paused, but the interval is not over. */
  get state(): AutoVersionerState {
    return this.stateValue
  }

  private readonly onTransaction = (transaction: Y.Transaction): void => {
    if (!transaction.local) return
    if (transaction.origin === VERSION_ORIGIN || transaction.origin === RESTORE_ORIGIN) {
      // A version recorded here (by hand, or by a restore) holds every edit made here so far.
      this.cancel()
      return
    }
    if (!transaction.changed.has(docText(this.doc) as unknown as Y.AbstractType<Y.YEvent<Y.Text>>)) return
    this.stateValue = 'editing'
    this.schedule(this.pauseMs)
  }

  private schedule(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(this.onPause, ms)
  }

  private readonly onPause = (): void => {
    this.timer = null
    // A reload must not reset the per-person limit: the latest automatic version by this
    // name counts too (read now: the stored copy may still have been loading at construction).
    for (const version of listVersions(this.doc)) {
      if (version.kind === 'auto' && version.by === this.options.name()) this.lastOwn = Math.max(this.lastOwn, version.time)
    }
    const wait = this.lastOwn + this.intervalMs - this.now()
    if (wait > 0) {
      this.stateValue = 'waiting'
      this.schedule(wait)
      return
    }
    this.lastOwn = this.now()
    this.stateValue = 'idle'
    recordVersion(this.doc, { by: this.options.name(), ...this.options.authors(), kind: 'auto', time: this.lastOwn })
  }

  private cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.stateValue = 'idle'
  }

  /** Idempotent. Pending changes are not recorded. */
  destroy(): void {
    if (this.stateValue === 'destroyed') return
    this.stateValue = 'destroyed'
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.doc.off('afterTransaction', this.onTransaction)
  }
}
