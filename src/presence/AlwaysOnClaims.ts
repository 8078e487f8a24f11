import type { Awareness } from 'y-protocols/awareness'
import { isAlwaysOnState } from './alwaysOnPeers'
import { signClaim, verifyClaim } from './alwaysOnClaim'
import { ALWAYS_ON_FIELD, type StoredState } from './storedState'

/** How a room's always-on claims are signed and checked: its keys (v2), or nothing (v1: every holder of the link is a writer). */
export interface ClaimKeys {
  readonly topic: string
  readonly verifyKey: Promise<CryptoKey>
  /** Null for a reader, which cannot sign a claim. */
  readonly signingKey: Promise<CryptoKey> | null
}

/**
 * Which presence states are always-on peers this page may believe. In a v2 room a claim counts
 * only when it is signed with the room's edit key (see `alwaysOnClaim`): someone with the
 * read-only link cannot make a writer believe their work is stored elsewhere, nor list fake
 * always-on peers. An always-on peer given only the read-only link is then a plain person in the
 * list. In a v1 room (no read-only links exist) every claim counts.
 *
 * It is responsible for its awareness listener and removes it in `destroy()`.
 */
export class AlwaysOnClaims {
  /** Client id → the claim (its JSON) that verified. */
  private readonly verified = new Map<number, string>()
  private readonly checking = new Map<number, string>()
  private readonly listeners = new Set<() => void>()
  private destroyed = false

  constructor(
    private readonly awareness: Awareness,
    private readonly keys: ClaimKeys | null,
  ) {
    awareness.on('change', this.handleChange)
    this.handleChange({ added: [...awareness.getStates().keys()], updated: [], removed: [] })
  }

  /** Whether `clientId`'s presence is an always-on peer's claim this page believes. */
  isAlwaysOn(clientId: number): boolean {
    const state = this.awareness.getStates().get(clientId)
    if (!isAlwaysOnState(state)) return false
    return this.keys === null || this.verified.get(clientId) === JSON.stringify((state as Record<string, unknown>)[ALWAYS_ON_FIELD])
  }

  /** This peer's claim for `stored`: signed where the room has an edit key it holds, else as it is. */
  async claim(stored: StoredState): Promise<StoredState> {
    if (this.keys?.signingKey == null) return stored
    return signClaim(await this.keys.signingKey, this.keys.topic, this.awareness.clientID, stored)
  }

  /** Calls `listener` whenever a claim's verdict changes; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private readonly handleChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    const { keys } = this
    if (keys === null || this.destroyed) return
    for (const clientId of removed) this.verified.delete(clientId)
    for (const clientId of [...added, ...updated]) {
      const state = this.awareness.getStates().get(clientId)
      if (clientId === this.awareness.clientID || !isAlwaysOnState(state)) continue
      const field = (state as Record<string, unknown>)[ALWAYS_ON_FIELD]
      const json = JSON.stringify(field)
      if (this.verified.get(clientId) === json || this.checking.get(clientId) === json) continue
      this.checking.set(clientId, json)
      void keys.verifyKey
        .then((key) => verifyClaim(key, keys.topic, clientId, field))
        .catch(() => false)
        .then((ok) => {
          if (this.destroyed || this.checking.get(clientId) !== json) return
          this.checking.delete(clientId)
          if (ok) this.verified.set(clientId, json)
          else this.verified.delete(clientId)
          for (const listener of this.listeners) listener()
        })
    }
  }

  /** Idempotent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.awareness.off('change', this.handleChange)
    this.listeners.clear()
  }
}
