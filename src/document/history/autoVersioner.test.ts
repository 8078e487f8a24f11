import * as Y from 'yjs'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { AUTO_VERSION_INTERVAL_MS, AUTO_VERSION_PAUSE_MS, AutoVersioner } from './autoVersioner'
import { restoreVersion } from './restoreVersion'
import { listVersions, recordVersion, versionSnapshot } from './versionList'
import { versionText } from './versionText'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

const versioner = (doc: Y.Doc, name = 'Ada'): AutoVersioner =>
  new AutoVersioner(doc, { name: () => name, authors: () => ({ authors: [name], clients: [[doc.clientID, name]] }), now: () => Date.now() })

describe('AutoVersioner', () => {
  it('records a version once its own editing pauses, not before', () => {
    const doc = new Y.Doc({ gc: false })
    const auto = versioner(doc)
    const text = doc.getText('content')
    text.insert(0, 'a')
    vi.advanceTimersByTime(AUTO_VERSION_PAUSE_MS - 1)
    text.insert(1, 'b')
    expect(auto.state).toBe('editing')
    vi.advanceTimersByTime(AUTO_VERSION_PAUSE_MS - 1)
    expect(listVersions(doc)).toHaveLength(0)
    vi.advanceTimersByTime(1)
    const [version] = listVersions(doc)
    expect(version).toMatchObject({ kind: 'auto', by: 'Ada', authors: ['Ada'], clients: [[doc.clientID, 'Ada']] })
    expect(versionText(doc, versionSnapshot(listVersions(doc), version!))).toBe('ab')
    expect(auto.state).toBe('idle')
    auto.destroy()
  })

  it('records at most one version per interval, and the changes since at its end', () => {
    const doc = new Y.Doc({ gc: false })
    const auto = versioner(doc)
    const text = doc.getText('content')
    text.insert(0, 'one')
    vi.advanceTimersByTime(AUTO_VERSION_PAUSE_MS)
    text.insert(3, ' two')
    vi.advanceTimersByTime(AUTO_VERSION_PAUSE_MS)
    expect(auto.state).toBe('waiting')
    expect(listVersions(doc)).toHaveLength(1)
    vi.advanceTimersByTime(AUTO_VERSION_INTERVAL_MS)
    expect(listVersions(doc)).toHaveLength(2)
    vi.advanceTimersByTime(AUTO_VERSION_INTERVAL_MS * 3)
    expect(listVersions(doc)).toHaveLength(2)
    auto.destroy()
  })

  it("ignores other peers' edits, restores and stored copies", () => {
    const doc = new Y.Doc({ gc: false })
    const auto = versioner(doc)
    const other = new Y.Doc({ gc: false })
    other.getText('content').insert(0, 'from elsewhere')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other))
    recordVersion(doc, { by: 'Bob', authors: ['Bob'], kind: 'manual' })
    doc.getText('content').insert(0, 'x')
    vi.advanceTimersByTime(1)
    restoreVersion(doc, listVersions(doc)[0]!, { name: 'Ada', authors: ['Ada'] })
    vi.advanceTimersByTime(AUTO_VERSION_PAUSE_MS * 2)
    expect(listVersions(doc).map((version) => version.kind)).toEqual(['manual', 'restore'])
    auto.destroy()
  })

  it('remembers the last automatic version by the same name across a reload', () => {
    const doc = new Y.Doc({ gc: false })
    const first = versioner(doc)
    doc.getText('content').insert(0, 'a')
    vi.advanceTimersByTime(AUTO_VERSION_PAUSE_MS)
    first.destroy()
    const second = versioner(doc)
    doc.getText('content').insert(0, 'b')
    vi.advanceTimersByTime(AUTO_VERSION_PAUSE_MS)
    expect(second.state).toBe('waiting')
    expect(listVersions(doc)).toHaveLength(1)
    second.destroy()
  })

  it('stops on destroy, which is idempotent', () => {
    const doc = new Y.Doc({ gc: false })
    const auto = versioner(doc)
    doc.getText('content').insert(0, 'a')
    auto.destroy()
    auto.destroy()
    expect(auto.state).toBe('destroyed')
    doc.getText('content').insert(0, 'b')
    vi.advanceTimersByTime(AUTO_VERSION_INTERVAL_MS)
    expect(listVersions(doc)).toHaveLength(0)
    expect(vi.getTimerCount()).toBe(0)
  })
})
