import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import { undoAcrossRestores } from '../../editor/undoAcrossRestores'
import { restoreVersion } from './restoreVersion'
import { ShuffledMesh } from './testing/ShuffledMesh'
import { listVersions, recordVersion, versionSnapshot } from './versionList'
import { versionText } from './versionText'

let net: ShuffledMesh | null = null
afterEach(() => {
  net?.destroy()
  net = null
})

const textOf = (doc: Y.Doc): string => doc.getText('content').toString()
const restorer = { name: 'Bea', authors: ['Bea'] }

describe('restoreVersion', () => {
  for (const seed of [11, 12, 13]) {
    it(`brings a version back on every peer while others keep typing (seed ${seed})`, () => {
      net = new ShuffledMesh(prng.create(seed), [false, false, false])
      const { rng, docs } = net
      const [a, b] = docs as [Y.Doc, Y.Doc, Y.Doc]
      for (let i = 0; i < 60; i++) net.edit(prng.int32(rng, 0, 2))
      net.flush()
      recordVersion(a, { by: 'Ada', authors: ['Ada'], kind: 'manual' })
      const wanted = textOf(a)
      for (let i = 0; i < 60; i++) {
        net.edit(prng.int32(rng, 0, 2))
        net.deliver(prng.int32(rng, 0, 3))
      }
      net.flush()
      const version = listVersions(b)[0]!
      restoreVersion(b, version, restorer)
      expect(textOf(b)).toBe(wanted)
      // Peer 2 types digits only while the restore travels: the letters must be the version's.
      for (let i = 0; i < 20; i++) {
        net.insert(2, '0123456789')
        net.deliver(prng.int32(rng, 0, 2))
      }
      net.flush()
      expect(textOf(docs[1]!)).toBe(textOf(a))
      expect(textOf(docs[2]!)).toBe(textOf(a))
      expect(textOf(a).replace(/\d/g, '')).toBe(wanted)
      for (const doc of docs) {
        const versions = listVersions(doc)
        expect(versions.map((each) => each.kind)).toEqual(['manual', 'restore'])
        expect(versions[1]!.restoredFrom).toBe(version.id)
        expect(versionText(doc, versionSnapshot(versions, versions[1]!))).toBe(wanted)
        expect(versions.map((each) => each.id)).toEqual(listVersions(a).map((each) => each.id))
      }
    })
  }

  it('is one undo step for the person who restored', () => {
    const doc = new Y.Doc({ gc: false })
    const text = doc.getText('content')
    const undo = new Y.UndoManager(text)
    const stop = undoAcrossRestores(undo)
    text.insert(0, 'first draft')
    recordVersion(doc, { by: 'Bea', authors: ['Bea'], kind: 'manual' })
    undo.stopCapturing()
    text.delete(0, 5)
    text.insert(0, 'second')
    // No pause before the restore: it must not merge with the typing before it.
    restoreVersion(doc, listVersions(doc)[0]!, restorer)
    expect(text.toString()).toBe('first draft')
    undo.undo()
    expect(text.toString()).toBe('second draft')
    undo.redo()
    expect(text.toString()).toBe('first draft')
    stop()
    stop()
    undo.destroy()
  })

  it("someone else's restore ends the undo history from before it, and later edits undo alone", () => {
    net = new ShuffledMesh(prng.create(3), [false, false])
    const [a, b] = net.docs as [Y.Doc, Y.Doc]
    const undoA = new Y.UndoManager(a.getText('content'))
    const stop = undoAcrossRestores(undoA)
    a.getText('content').insert(0, 'hello world')
    net.flush()
    recordVersion(b, { by: 'Bea', authors: ['Ada'], kind: 'manual' })
    undoA.stopCapturing()
    a.getText('content').delete(0, a.getText('content').length)
    net.flush()
    restoreVersion(b, listVersions(b)[0]!, restorer)
    net.flush()
    expect(textOf(a)).toBe('hello world')
    undoA.undo()
    net.flush()
    expect(textOf(a)).toBe('hello world')
    expect(textOf(b)).toBe('hello world')
    a.getText('content').insert(11, '!')
    undoA.stopCapturing()
    a.getText('content').insert(0, '> ')
    undoA.undo()
    net.flush()
    expect(textOf(b)).toBe('hello world!')
    stop()
    undoA.destroy()
  })

  it('changes nothing for a version that is not here', () => {
    const doc = new Y.Doc({ gc: false })
    doc.getText('content').insert(0, 'kept')
    const other = new Y.Doc({ gc: false })
    other.getText('content').insert(0, 'elsewhere')
    recordVersion(other, { by: 'x', authors: [], kind: 'manual' })
    const entry = other.getArray('versions').get(0)
    doc.getArray('versions').push([entry])
    expect(() => restoreVersion(doc, listVersions(doc)[0]!, restorer)).toThrow(/not fully reached/)
    expect(textOf(doc)).toBe('kept')
    expect(listVersions(doc)).toHaveLength(1)
  })
})
