// @vitest-environment jsdom
import { act, Profiler } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import type { Session } from '../../session/openSession'
import { INITIAL_STATUS, type SessionStatus } from '../../session/sessionStatus'
import { StatusBar } from './StatusBar'

Object.assign(globalThis, { IS_REACT_ACT_ENVIRONMENT: true })

/** Just what the status bar reads of a session. */
function fakeSession(): { session: Session; set: (patch: Partial<SessionStatus>) => void } {
  const doc = new Y.Doc()
  const listeners = new Set<() => void>()
  const fake = {
    status: { ...INITIAL_STATUS, storage: 'saved' } as SessionStatus,
    doc,
    awareness: new Awareness(doc),
    alwaysOn: null,
    onStatus: (listener: () => void) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
  }
  const set = (patch: Partial<SessionStatus>): void => {
    fake.status = { ...fake.status, ...patch }
    for (const listener of listeners) listener()
  }
  return { session: fake as unknown as Session, set }
}

describe('StatusBar', () => {
  let root: Root | null = null
  afterEach(() => {
    act(() => root?.unmount())
    root = null
    document.body.innerHTML = ''
  })

  it('shows every saving ↔ saved flip at once, without a React commit; other changes render', () => {
    const { session, set } = fakeSession()
    const container = document.body.appendChild(document.createElement('div'))
    let commits = 0
    root = createRoot(container)
    act(() =>
      root?.render(
        <Profiler id="status" onRender={() => void commits++}>
          <StatusBar session={session} />
        </Profiler>,
      ),
    )
    const storage = (): HTMLElement => container.querySelector('[data-testid="status-storage"]') as HTMLElement
    expect(storage().dataset.state).toBe('saved')
    expect(storage().textContent).toBe('Saved on this device')
    const before = commits
    for (let i = 0; i < 100; i++) {
      act(() => set({ storage: 'saving' }))
      expect(storage().dataset.state).toBe('saving')
      expect(storage().textContent).toBe('Saving on this device…')
      act(() => set({ storage: 'saved' }))
      expect(storage().dataset.state).toBe('saved')
      expect(storage().className).toBe('storage saved')
    }
    expect(commits).toBe(before)

    act(() => set({ storage: 'error', storageError: 'the disk is full' }))
    expect(storage().textContent).toBe('Not saved on this device (the disk is full); retrying')
    act(() => set({ peers: 2 }))
    expect(commits).toBeGreaterThan(before)
    expect(container.querySelector('[data-testid="status-peers"]')?.getAttribute('data-peers')).toBe('2')
  })
})
