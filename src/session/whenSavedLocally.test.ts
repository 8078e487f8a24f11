import { describe, expect, it } from 'vitest'
import { INITIAL_STATUS, type SessionStatus, type StorageState } from './sessionStatus'
import { whenSavedLocally } from './whenSavedLocally'

function fakeSession(storage: StorageState) {
  const listeners = new Set<() => void>()
  const session = {
    status: { ...INITIAL_STATUS, storage } as SessionStatus,
    onStatus(listener: () => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    set(next: StorageState) {
      session.status = { ...session.status, storage: next }
      for (const listener of listeners) listener()
    },
    listeners,
  }
  return session
}

describe('whenSavedLocally', () => {
  it('resolves at once when saved, false at once on a storage error', async () => {
    expect(await whenSavedLocally(fakeSession('saved'))).toBe(true)
    expect(await whenSavedLocally(fakeSession('error'))).toBe(false)
  })
  it('waits for the pending save, and stops listening after', async () => {
    const session = fakeSession('saving')
    const result = whenSavedLocally(session)
    expect(session.listeners.size).toBe(1)
    session.set('saved')
    expect(await result).toBe(true)
    expect(session.listeners.size).toBe(0)
  })
  it('gives up after the timeout', async () => {
    const session = fakeSession('saving')
    expect(await whenSavedLocally(session, 20)).toBe(false)
    expect(session.listeners.size).toBe(0)
  })
})
