import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { undoAcrossRestores } from '../../editor/undoAcrossRestores'
import { restoreVersion } from './restoreVersion'
import { MAX_VERSION_LABEL_LENGTH, parseVersionEntry } from './versionEntry'
import { listVersions, recordVersion, versionSnapshot, versionsArray } from './versionList'
import { versionText, VersionUnavailableError } from './versionText'

/** A valid entry recorded in a scratch document, to be tampered with. */
function validEntry(): Record<string, unknown> {
  const doc = new Y.Doc({ gc: false })
  doc.getText('content').insert(0, 'scratch')
  recordVersion(doc, { by: 'x', authors: ['x'], kind: 'manual' })
  return { ...(versionsArray(doc).get(0) as Record<string, unknown>) }
}

describe('version entries from other peers', () => {
  const hostile: [string, unknown][] = [
    ['a number', 42],
    ['a string', 'version'],
    ['null', null],
    ['an array', [1, 2]],
    ['bytes', new Uint8Array([1, 2, 3])],
    ['no id', { ...validEntry(), id: undefined }],
    ['a numeric id', { ...validEntry(), id: 7 }],
    ['a huge label', { ...validEntry(), label: 'x'.repeat(MAX_VERSION_LABEL_LENGTH + 1) }],
    ['authors not a list', { ...validEntry(), authors: 'everyone' }],
    ['too many authors', { ...validEntry(), authors: Array.from({ length: 500 }, (_, i) => `n${i}`) }],
    ['a non-string author', { ...validEntry(), authors: [{}] }],
    ['clients not a list', { ...validEntry(), clients: 'all' }],
    ['a client id that is no id', { ...validEntry(), clients: [[-1, 'x']] }],
    ['a client without a name', { ...validEntry(), clients: [[1]] }],
    ['an unknown kind', { ...validEntry(), kind: 'delete-everything' }],
    ['an infinite time', { ...validEntry(), time: Number.POSITIVE_INFINITY }],
    ['a string snapshot', { ...validEntry(), snapshot: 'AAAA' }],
    ['garbage snapshot bytes', { ...validEntry(), snapshot: new Uint8Array([255, 255, 255, 255, 255, 255, 255, 255, 255, 1]) }],
    ['truncated snapshot bytes', { ...validEntry(), snapshot: (validEntry().snapshot as Uint8Array).slice(0, 3) }],
    ['an oversized snapshot', { ...validEntry(), snapshot: new Uint8Array(2 * 1024 * 1024) }],
    ['a base that is no earlier version', { ...validEntry(), base: 'nowhere' }],
  ]

  it.each(hostile)('leaves out %s', (_, raw) => {
    const doc = new Y.Doc({ gc: false })
    const text = doc.getText('content')
    const undo = new Y.UndoManager(text)
    const stop = undoAcrossRestores(undo)
    text.insert(0, 'mine')
    recordVersion(doc, { by: 'me', authors: ['me'], kind: 'manual' })
    const remote = new Y.Doc({ gc: false })
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc))
    versionsArray(remote).push([raw])
    versionsArray(remote).push([{ ...validEntry(), kind: 'restore', snapshot: new Uint8Array([5]) }])
    expect(() => Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(doc)))).not.toThrow()
    const versions = listVersions(doc)
    expect(versions.map((version) => version.by)).toEqual(['me'])
    expect(versionText(doc, versionSnapshot(versions, versions[0]!))).toBe('mine')
    // A later version still records and rebuilds after the hostile entries.
    text.insert(4, '!')
    recordVersion(doc, { by: 'me', authors: ['me'], kind: 'manual' })
    expect(versionText(doc, versionSnapshot(listVersions(doc), listVersions(doc)[1]!))).toBe('mine!')
    stop()
  })

  it('refuses a duplicate id and a version that claims edits nobody made', () => {
    const doc = new Y.Doc({ gc: false })
    doc.getText('content').insert(0, 'mine')
    recordVersion(doc, { by: 'me', authors: ['me'], kind: 'manual' })
    const first = versionsArray(doc).get(0) as Record<string, unknown>
    const forged = Y.encodeSnapshotV2(Y.createSnapshot(Y.createDeleteSet(), new Map([[doc.clientID, 1_000_000]])))
    versionsArray(doc).push([{ ...first, by: 'copy' }, { ...validEntry(), id: 'forged', snapshot: forged }])
    const versions = listVersions(doc)
    expect(versions.map((version) => version.id)).toEqual([first.id, 'forged'])
    expect(() => versionText(doc, versionSnapshot(versions, versions[1]!))).toThrow(VersionUnavailableError)
    expect(() => restoreVersion(doc, versions[1]!, { name: 'me', authors: [] })).toThrow(VersionUnavailableError)
    expect(doc.getText('content').toString()).toBe('mine')
  })

  it('parses what recordVersion writes', () => {
    expect(parseVersionEntry(validEntry())).toMatchObject({ by: 'x', kind: 'manual', base: null })
  })
})

describe('documents from an older build (gc on)', () => {
  it('merge both ways with documents that keep history, and the history stays usable', () => {
    const kept = new Y.Doc({ gc: false })
    const old = new Y.Doc({ gc: true })
    kept.on('update', (update: Uint8Array, origin: unknown) => origin !== old && Y.applyUpdate(old, update, kept))
    old.on('update', (update: Uint8Array, origin: unknown) => origin !== kept && Y.applyUpdate(kept, update, old))
    kept.getText('content').insert(0, 'hello world')
    recordVersion(kept, { by: 'new', authors: ['new'], kind: 'manual' })
    old.getText('content').delete(0, 6)
    old.getText('content').insert(0, 'bye ')
    kept.getText('content').insert(kept.getText('content').length, '!')
    expect(old.getText('content').toString()).toBe('bye world!')
    expect(kept.getText('content').toString()).toBe('bye world!')
    const versions = listVersions(kept)
    expect(versionText(kept, versionSnapshot(versions, versions[0]!))).toBe('hello world')
    expect(listVersions(old).map((version) => version.id)).toEqual(versions.map((version) => version.id))
    expect(() => versionText(old, versionSnapshot(versions, versions[0]!))).toThrow(VersionUnavailableError)
  })

  it('a newcomer synced from an older build cannot rebuild text that build threw away, and says so', () => {
    const kept = new Y.Doc({ gc: false })
    kept.getText('content').insert(0, 'hello world')
    recordVersion(kept, { by: 'new', authors: ['new'], kind: 'manual' })
    const old = new Y.Doc({ gc: true })
    Y.applyUpdate(old, Y.encodeStateAsUpdate(kept))
    old.getText('content').delete(0, 6)
    const newcomer = new Y.Doc({ gc: false })
    Y.applyUpdate(newcomer, Y.encodeStateAsUpdate(old))
    expect(newcomer.getText('content').toString()).toBe('world')
    const versions = listVersions(newcomer)
    expect(() => versionText(newcomer, versionSnapshot(versions, versions[0]!))).toThrow(/discarded/)
    // Content deleted after the version, but only where the version had it deleted too, is fine.
    recordVersion(newcomer, { by: 'new', authors: ['new'], kind: 'manual' })
    expect(versionText(newcomer, versionSnapshot(listVersions(newcomer), listVersions(newcomer)[1]!))).toBe('world')
  })
})
