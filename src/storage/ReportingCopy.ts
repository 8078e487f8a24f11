import type { StorageState } from './localCopy'

/**
 * The `state`/`error` part of a {@link LocalCopy}, with its listeners and `whenSaved()` waiters,
 * so that every storage implementation reports alike.
 */
class CopyStateStore {
  private current: StorageState = 'loading'
  private reason: string | null = null
  private readonly listeners = new Set<() => void>()
  private waiters: { resolve: () => void; reject: (error: Error) => void }[] = []

  get state(): StorageState {
    return this.current
  }

  get error(): string | null {
    return this.reason
  }

  set(state: StorageState, error: string | null): void {
    if (this.current === state && this.reason === error) return
    this.current = state
    this.reason = error
    if (state === 'saved' || state === 'error') this.settle(state === 'error' ? new Error(error ?? 'the document could not be stored') : null)
    for (const listener of this.listeners) listener()
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** See {@link LocalCopy.whenSaved}. Call after any pending update has moved the state to `saving`. */
  whenSaved(): Promise<void> {
    if (this.current === 'saved') return Promise.resolve()
    if (this.current === 'error') return Promise.reject(new Error(this.reason ?? 'the document could not be stored'))
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }))
  }

  /** Rejects the waiters (the copy is closing) and drops every listener. */
  close(): void {
    this.settle(new Error('the local copy was closed before the edit was written'))
    this.listeners.clear()
  }

  private settle(error: Error | null): void {
    const waiters = this.waiters
    this.waiters = []
    for (const waiter of waiters) {
      if (error === null) waiter.resolve()
      else waiter.reject(error)
    }
  }
}

/**
 * The reporting half of a {@link LocalCopy}, shared by every implementation: its state, error,
 * listeners and `whenSaved()`, all from one {@link CopyStateStore} the subclass updates.
 */
export abstract class ReportingCopy {
  protected readonly store = new CopyStateStore()

  get state(): StorageState {
    return this.store.state
  }

  get error(): string | null {
    return this.store.error
  }

  onChange(listener: () => void): () => void {
    return this.store.onChange(listener)
  }

  whenSaved(): Promise<void> {
    return this.store.whenSaved()
  }
}
