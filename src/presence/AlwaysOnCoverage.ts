import type { Awareness } from 'y-protocols/awareness'
import type * as Y from 'yjs'
import { alwaysOnPeers } from './alwaysOnPeers'
import type { AlwaysOnClaims } from './AlwaysOnClaims'
import { storedCovers, storedStateOf, type StoredState } from './storedState'

/** How many always-on peers there are, and how many have written this copy's latest state. */
export interface Coverage {
  readonly alwaysOn: number
  readonly keeping: number
}

export const NO_COVERAGE: Coverage = { alwaysOn: 0, keeping: 0 }

/**
 * Follows which always-on peers keep this copy's latest state, from what each publishes (never
 * guessed). It is responsible for its doc and awareness observers, and removes them in `destroy()`.
 *
 * Summarising the document costs a pass over its items, so it runs at most once per task,
 * after a burst of updates, and only while an always-on peer is present; awareness changes (every
 * cursor move) reuse the summary until the document changes.
 */
export class AlwaysOnCoverage {
  private current: Coverage = NO_COVERAGE
  /** This copy's summary, until the next update. */
  private local: StoredState | null = null
  private scheduled = false
  private destroyed = false
  private readonly listeners = new Set<() => void>()
  private readonly offClaims: () => void

  /** `claims`: which always-on peers to believe (see `AlwaysOnClaims`); none: every claim. */
  constructor(
    private readonly doc: Y.Doc,
    private readonly awareness: Awareness,
    private readonly claims: AlwaysOnClaims | null = null,
  ) {
    doc.on('update', this.handleUpdate)
    awareness.on('change', this.schedule)
    this.offClaims = claims?.onChange(this.schedule) ?? (() => {})
    this.recompute()
  }

  get coverage(): Coverage {
    return this.current
  }

  /** Calls `listener` after every change of `coverage`; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Idempotent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.doc.off('update', this.handleUpdate)
    this.awareness.off('change', this.schedule)
    this.offClaims()
    this.listeners.clear()
  }

  private readonly handleUpdate = (): void => {
    this.local = null
    this.schedule()
  }

  private readonly schedule = (): void => {
    if (this.scheduled || this.destroyed) return
    this.scheduled = true
    setTimeout(() => {
      this.scheduled = false
      if (!this.destroyed) this.recompute()
    }, 0)
  }

  private recompute(): void {
    const peers = alwaysOnPeers(this.awareness).filter((peer) => this.claims?.isAlwaysOn(peer.clientId) ?? true)
    let keeping = 0
    if (peers.some((peer) => peer.stored !== null)) {
      this.local ??= storedStateOf(this.doc)
      const local = this.local
      keeping = peers.filter((peer) => peer.stored !== null && storedCovers(peer.stored, local)).length
    }
    const next = { alwaysOn: peers.length, keeping }
    if (next.alwaysOn === this.current.alwaysOn && next.keeping === this.current.keeping) return
    this.current = next
    for (const listener of this.listeners) listener()
  }
}
