import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { INITIAL_STATUS, type SessionStatus } from './sessionStatus'
import { NO_PATHS } from '../network/PeerPaths'
import { CONNECTING_WAIT_MS, PEER_WAIT_MS, SHOW_WAIT_MS, whenWorthShowing } from './whenWorthShowing'

/** A session's document and status as whenWorthShowing reads them, the status set by the test. */
class FakeSession {
  readonly topic = 'a-topic'
  readonly doc = new Y.Doc()
  readonly text = this.doc.getText('content')
  readonly meta = this.doc.getMap<unknown>('meta')
  status: SessionStatus = INITIAL_STATUS
  readonly listeners = new Set<() => void>()
  loaded = (): void => {}
  readonly whenLocalLoaded = new Promise<void>((resolve) => (this.loaded = resolve))
  onStatus(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  set(patch: Partial<SessionStatus>): void {
    this.status = { ...this.status, ...patch }
    for (const listener of this.listeners) listener()
  }
}

class FakeWorkspace {
  readonly listeners = new Set<() => void>()
  constructor(
    public session: FakeSession,
    readonly startedNew = false,
  ) {}
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  moveTo(session: FakeSession): void {
    this.session = session
    for (const listener of this.listeners) listener()
  }
}

let shown: number[] = []
const show = (): void => void shown.push(performance.now())
beforeEach(() => {
  vi.useFakeTimers()
  shown = []
})
afterEach(() => vi.useRealTimers())

/** Opens the gate on a first visit (a shared link, nothing stored) and returns its parts. */
function firstVisit(): { session: FakeSession; workspace: FakeWorkspace; cancel: () => void } {
  const session = new FakeSession()
  // What a writer's copy stamps on load, before any peer's copy arrives.
  session.meta.set('schemaVersion', 1)
  session.meta.set('commentKey', 'A'.repeat(43))
  const workspace = new FakeWorkspace(session)
  const cancel = whenWorthShowing(workspace, () => false, show)
  return { session, workspace, cancel }
}

describe('whenWorthShowing', () => {
  it('shows at once a new document, and one that holds text or a title', () => {
    whenWorthShowing(new FakeWorkspace(new FakeSession(), true), () => false, show)
    const stored = new FakeSession()
    stored.text.insert(0, 'kept here')
    whenWorthShowing(new FakeWorkspace(stored), () => false, show)
    const titled = new FakeSession()
    titled.meta.set('title', 'Plans')
    whenWorthShowing(new FakeWorkspace(titled), () => false, show)
    expect(shown).toHaveLength(3)
  })

  it('shows a document this browser holds once its stored copy is read, whatever the network', async () => {
    const session = new FakeSession()
    const asked: string[] = []
    whenWorthShowing(new FakeWorkspace(session), (topic) => asked.push(topic) > 0, show)
    expect(asked).toEqual(['a-topic'])
    session.set({ signaling: 'connected' })
    await vi.advanceTimersByTimeAsync(PEER_WAIT_MS / 2)
    expect(shown).toHaveLength(0)
    // An empty stored copy too: the browser held it, nothing is coming to fill it.
    session.loaded()
    await vi.advanceTimersByTimeAsync(0)
    expect(shown).toHaveLength(1)
  })

  it('does not take a first visit for a held document when its (empty) copy is read', async () => {
    const { session } = firstVisit()
    session.loaded()
    await vi.advanceTimersByTimeAsync(0)
    expect(shown).toHaveLength(0)
  })

  it('waits on a first visit until the first peer has synced, and then shows once', async () => {
    const { session } = firstVisit()
    session.set({ signaling: 'connected' })
    session.set({ peers: 1 })
    await vi.advanceTimersByTimeAsync(PEER_WAIT_MS - 1)
    expect(shown).toHaveLength(0)
    session.set({ syncedPeers: 1 })
    expect(shown).toHaveLength(1)
    session.text.insert(0, 'the shared text')
    await vi.advanceTimersByTimeAsync(SHOW_WAIT_MS)
    expect(shown).toHaveLength(1)
    expect(session.listeners.size).toBe(0)
  })

  it('waits longer while a peer is connecting, and shows once its copy is in or the longer wait is over', async () => {
    const slow = firstVisit()
    slow.session.set({ signaling: 'connected', paths: { ...NO_PATHS, connecting: 1 } })
    await vi.advanceTimersByTimeAsync(SHOW_WAIT_MS + PEER_WAIT_MS)
    expect(shown).toHaveLength(0)
    slow.session.text.insert(0, 'the shared text')
    await Promise.resolve()
    expect(shown).toHaveLength(1)

    const stuck = firstVisit()
    stuck.session.set({ signaling: 'connected', paths: { ...NO_PATHS, connecting: 1 } })
    await vi.advanceTimersByTimeAsync(CONNECTING_WAIT_MS - 1)
    expect(shown).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(shown).toHaveLength(2)
  })

  it("shows when the document's text arrives, after the transaction", async () => {
    const { session } = firstVisit()
    session.text.insert(0, 'from a peer')
    expect(shown).toHaveLength(0)
    await Promise.resolve()
    expect(shown).toHaveLength(1)
  })

  it('shows when no server is reachable, and when nobody answered within the wait after signaling connected', async () => {
    const offline = firstVisit()
    offline.session.set({ signaling: 'unreachable' })
    expect(shown).toHaveLength(1)

    const alone = firstVisit()
    await vi.advanceTimersByTimeAsync(100)
    alone.session.set({ signaling: 'connected' })
    await vi.advanceTimersByTimeAsync(PEER_WAIT_MS - 1)
    expect(shown).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(shown).toHaveLength(2)
  })

  it('shows after the longest wait whatever happens, or when the workspace moves to another document', async () => {
    firstVisit()
    await vi.advanceTimersByTimeAsync(SHOW_WAIT_MS - 1)
    expect(shown).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(shown).toHaveLength(1)

    const { workspace } = firstVisit()
    workspace.moveTo(new FakeSession())
    expect(shown).toHaveLength(2)
    expect(workspace.listeners.size).toBe(0)
  })

  it('shows nothing once cancelled, and removes what it listened to', async () => {
    const { session, workspace, cancel } = firstVisit()
    cancel()
    cancel()
    session.set({ signaling: 'unreachable' })
    await vi.advanceTimersByTimeAsync(SHOW_WAIT_MS)
    expect(shown).toHaveLength(0)
    expect(session.listeners.size + workspace.listeners.size).toBe(0)
  })
})
