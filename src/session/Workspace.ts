import type { DocumentLibrary } from '../library/DocumentLibrary'
import type { MoveState } from '../removal/RoomMover'
import type { UserIdentity } from '../presence/userIdentity'
import { createEditFragment, isDamagedV2Link } from '../room/roomAccess'
import type { Session } from './openSession'

/** How long a kept writer waits for the new room's copy before it brings its carried copy in regardless. */
const ADOPT_AFTER_MS = 5000

/** Resolves on the first update with an origin (a peer's, or the page's own typing), after `timeoutMs`, or when the session closes. */
function firstRemoteUpdate(session: Session, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      session.doc.off('update', onUpdate)
      resolve()
    }
    const onUpdate = (_update: Uint8Array, origin: unknown): void => {
      if (origin !== null && origin !== undefined) done()
    }
    const timer = setTimeout(done, timeoutMs)
    session.doc.on('update', onUpdate)
    void session.closed.then(done)
  })
}

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
  private stopMoveWatch: (() => void) | null = null
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
    this.watchMove()
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
    this.watchMove()
  }

  /** Follows the open session's removal: moves to the new link sealed to this device, or says the document moved without it. */
  private watchMove(): void {
    this.stopMoveWatch?.()
    this.stopMoveWatch = null
    const session = this.current.session
    const removal = session.removal
    if (removal === null) return
    const check = (): void => {
      const move = removal.move
      if (this.destroyed || this.current.session !== session || move.kind === 'none') return
      const self = removal.people().find((person) => person.self)?.sign
      if (move.kind === 'removed') {
        const notice = `${move.by} moved this document to a new link, and this browser no longer has access. What it held until then stays here.`
        if (this.current.notice !== notice) this.set({ ...this.current, notice })
        return
      }
      this.followMove(session, move, move.record.by.device === self)
    }
    this.stopMoveWatch = removal.onChange(check)
    check()
  }

  private followMove(old: Session, move: Extract<MoveState, { kind: 'moved' }>, byMe: boolean): void {
    // A writer carries its copy across (see `CarriedCopy`), so nothing typed before the move is lost.
    const update = old.access.canEdit ? (old.removal?.carried() ?? null) : null
    const removedDevices = move.record.removed.map(({ device }) => device)
    const names = listOfNames(move.removed)
    const notice = byMe
      ? `You removed ${names} from this document; it now has a new link. Anyone who had the link but never opened the document needs the new one: share it by hand.`
      : `${move.by} removed ${names} from this document; it now has a new link.`
    this.options.address.show(move.link, 'replace')
    this.switchTo(move.link, notice)
    const next = this.current.session
    if (update !== null && next !== old) {
      // The remover brings the document into the new room; the others add what only they hold once
      // its copy has reached them, so the whole document is not signed and sent once per writer.
      const arrived = byMe ? next.whenLocalLoaded : Promise.all([next.whenLocalLoaded, firstRemoteUpdate(next, ADOPT_AFTER_MS)])
      void arrived.then(async () => {
        next.removal?.adopt(update, removedDevices)
        if (move.lost !== null) await removeAgain(next, move)
      })
    }
    // The old copy stays (it sends the old link on); only its entry leaves the list.
    void old.closed.then(() => this.options.library.forget(old.topic)).catch(() => {})
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
    this.stopMoveWatch?.()
    this.listeners.clear()
    this.current.session.destroy()
  }
}

/** "A", "A and B", "A, B and C"; "no one" for none. */
export function listOfNames(names: readonly string[]): string {
  if (names.length === 0) return 'no one'
  if (names.length === 1) return names[0] as string
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] as string}`
}

/**
 * This device's removal lost to another made at the same time: it is made again in the room both
 * moved to, for the people the winner kept, so that two concurrent removals end as both together.
 */
async function removeAgain(session: Session, move: Extract<MoveState, { kind: 'moved' }>): Promise<void> {
  const removal = session.removal
  if (removal === null || move.lost === null) return
  const stillHere = new Set(move.record.sealed.map(({ device }) => device))
  const again = new Set(move.lost.removed.map(({ device }) => device).filter((device) => stillHere.has(device)))
  if (again.size === 0) return
  await new Promise<void>((resolve) => {
    const ready = (): boolean => removal.people().some((person) => person.self)
    if (ready()) return resolve()
    const stop = removal.onChange(() => {
      if (!ready()) return
      stop()
      resolve()
    })
  })
  const keep = removal.people().filter((person) => !again.has(person.sign)).map((person) => person.sign)
  await removal.remove(keep).catch(() => {})
}
