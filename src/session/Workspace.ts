import type { DocumentLibrary } from '../library/DocumentLibrary'
import type { UserIdentity } from '../presence/userIdentity'
import { createEditFragment, isDamagedV2Link } from '../room/roomAccess'
import type { Session } from './openSession'

/** Where the open room is shown and chosen: the page's URL fragment, in a browser. */
export interface RoomAddress {
  /** The secret in the address now, or null when it names no room. */
  read(): string | null
  /** Shows `secret` in the address, as a new history entry (`push`) or in place of the current one. */
  show(secret: string, mode: 'push' | 'replace'): void
  /** Calls `listener` when the person changes the address (a pasted link, Back, Forward). */
  onChange(listener: () => void): () => void
}

export interface WorkspaceOptions {
  readonly library: DocumentLibrary
  readonly address: RoomAddress
  /** Opens a session with the platform's storage and network. */
  readonly openSession: (secret: string, user: UserIdentity) => Session
  readonly user: UserIdentity
}

/** What the page shows: the open session and, at times, a notice about it. */
export interface WorkspaceState {
  readonly session: Session
  readonly notice: string | null
}

/**
 * The page's one open document and the operations on the documents of this device: open, new,
 * delete. It owns the open session's lifetime (one session at a time, opened before anything
 * renders) and keeps the address in step; the UI subscribes to it and calls it, and never
 * creates sessions itself.
 */
export class Workspace {
  private current: WorkspaceState
  private user: UserIdentity
  private readonly listeners = new Set<() => void>()
  private readonly disposables: (() => void)[] = []
  private destroyed = false
  /** Whether the address named no room when the workspace opened, so it made a new document. */
  readonly startedNew: boolean

  constructor(private readonly options: WorkspaceOptions) {
    this.user = options.user
    let secret = options.address.read()
    this.startedNew = secret === null
    if (secret === null) {
      secret = createEditFragment()
      options.address.show(secret, 'replace')
    }
    this.current = { session: options.openSession(secret, this.user), notice: null }
    this.disposables.push(
      options.address.onChange(() => {
        const next = options.address.read()
        if (next === null) this.newDocument('replace')
        else this.switchTo(next, null)
      }),
      // Another tab deletes this browser's copy of the open document: leave it before it goes.
      options.library.onChange((change) => {
        if (change.kind !== 'removing' || change.topic !== this.current.session.topic) return
        this.newDocument('replace', 'The document you had open was deleted from this browser in another tab.')
      }),
    )
  }

  get state(): WorkspaceState {
    return this.current
  }

  get session(): Session {
    return this.current.session
  }

  /** Calls `listener` after every change of {@link state}; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    if (this.destroyed) return () => {}
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Opens the room of `secret` (a new history entry, so Back returns to this one). */
  open(secret: string): void {
    if (this.destroyed || secret === this.current.session.secret) return
    this.options.address.show(secret, 'push')
    this.switchTo(secret, null)
  }

  /** Opens a new, empty room. */
  newDocument(mode: 'push' | 'replace' = 'push', notice: string | null = null): void {
    if (this.destroyed) return
    const secret = createEditFragment()
    this.options.address.show(secret, mode)
    this.switchTo(secret, notice)
  }

  /**
   * Deletes this device's copy of a document (peers keep theirs). The open document is left first
   * (for a new one, in place of it in the history: it is gone), and its copy closed.
   */
  async deleteDocument(topic: string): Promise<void> {
    const leaving = this.current.session
    if (leaving.topic === topic) {
      this.newDocument('replace')
      await leaving.closed
    }
    await this.options.library.remove(topic)
  }

  setUser(user: UserIdentity): void {
    this.user = user
    this.current.session.setUser(user)
  }

  dismissNotice(): void {
    if (this.current.notice !== null) this.set({ ...this.current, notice: null })
  }

  private switchTo(secret: string, notice: string | null): void {
    if (this.destroyed) return
    if (isDamagedV2Link(secret)) {
      // A damaged link opens nothing: the open document stays, and so does its address.
      this.options.address.show(this.current.session.secret, 'replace')
      void import('../room/roomLinkProblem').then(({ roomLinkProblem }) => {
        const problem = roomLinkProblem(secret)
        if (problem !== null && !this.destroyed) this.set({ ...this.current, notice: `${problem.title}. ${problem.explanation} ${problem.remedies[0]}` })
      })
      return
    }
    if (secret === this.current.session.secret) {
      if (notice !== this.current.notice) this.set({ ...this.current, notice })
      return
    }
    this.current.session.destroy()
    this.set({ session: this.options.openSession(secret, this.user), notice })
  }

  private set(state: WorkspaceState): void {
    this.current = state
    for (const listener of this.listeners) listener()
  }

  /** Idempotent: destroys the open session and stops following the address and the library. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const dispose of this.disposables) dispose()
    this.listeners.clear()
    this.current.session.destroy()
  }
}
