import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { afterJoin, JOIN_WAIT_MS } from './afterJoin'
import { INITIAL_STATUS, type SessionStatus } from './sessionStatus'

/** A session's status as afterJoin reads it, set by the test. */
class FakeSession {
  status: SessionStatus = INITIAL_STATUS
  readonly listeners = new Set<() => void>()
  onStatus(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  set(patch: Partial<SessionStatus>): void {
    this.status = { ...this.status, ...patch }
    for (const listener of [...this.listeners]) listener()
  }
}

/** Whether `promise` has settled once pending microtasks have run. */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false
  void promise.then(() => (done = true))
  await Promise.resolve()
  await Promise.resolve()
  return done
}

describe('afterJoin', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('waits while peers connect, resolves once a peer’s copy is in, and stops listening', async () => {
    const session = new FakeSession()
    const joined = afterJoin(session)
    session.set({ signaling: 'connected' })
    session.set({ peers: 1 })
    expect(await settled(joined)).toBe(false)
    session.set({ syncedPeers: 1 })
    expect(await settled(joined)).toBe(true)
    expect(session.listeners.size).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('resolves at once for a session that has a synced peer already', async () => {
    const session = new FakeSession()
    session.set({ peers: 1, syncedPeers: 1 })
    expect(await settled(afterJoin(session))).toBe(true)
    expect(session.listeners.size).toBe(0)
  })

  it('resolves when the signaling server is unreachable: nobody will answer', async () => {
    const session = new FakeSession()
    const joined = afterJoin(session)
    session.set({ signaling: 'unreachable' })
    expect(await settled(joined)).toBe(true)
  })

  it('resolves after JOIN_WAIT_MS at the latest (alone in the room), and stops listening', async () => {
    const session = new FakeSession()
    const joined = afterJoin(session)
    session.set({ signaling: 'connected' })
    vi.advanceTimersByTime(JOIN_WAIT_MS - 1)
    expect(await settled(joined)).toBe(false)
    vi.advanceTimersByTime(1)
    expect(await settled(joined)).toBe(true)
    expect(session.listeners.size).toBe(0)
  })
})
