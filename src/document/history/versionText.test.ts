import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import { ShuffledMesh } from './testing/ShuffledMesh'
import { rebuildVersion, type AuthorSpan } from './versionText'

let net: ShuffledMesh | null = null
afterEach(() => {
  net?.destroy()
  net = null
})

/** What Yjs itself rebuilds for `snapshot`: a whole document, with the client of each part. */
function fromYjs(doc: Y.Doc, snapshot: Y.Snapshot): { text: string; spans: AuthorSpan[] } {
  const old = Y.createDocFromSnapshot(doc, snapshot)
  const spans: AuthorSpan[] = []
  let at = 0
  for (let item = old.getText('content')._start; item !== null; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentString)) continue
    const last = spans.at(-1)
    if (last !== undefined && last.client === item.id.client && last.to === at) spans[spans.length - 1] = { ...last, to: at + item.length }
    else spans.push({ from: at, to: at + item.length, client: item.id.client })
    at += item.length
  }
  const text = old.getText('content').toString()
  old.destroy()
  return { text, spans }
}

describe('rebuildVersion', () => {
  for (const seed of [11, 12, 13]) {
    it(`gives the text and authors Yjs rebuilds from the snapshot, at every point of concurrent editing (seed ${seed})`, () => {
      net = new ShuffledMesh(prng.create(seed), [false, false, false])
      const { rng, docs } = net
      const taken: { peer: number; snapshot: Y.Snapshot; text: string }[] = []
      for (let round = 0; round < 60; round++) {
        for (let k = 0; k < 5; k++) net.edit(prng.int32(rng, 0, 2))
        net.deliver(prng.int32(rng, 0, net.pending))
        const peer = prng.int32(rng, 0, 2)
        const doc = docs[peer] as Y.Doc
        taken.push({ peer, snapshot: Y.snapshot(doc), text: doc.getText('content').toString() })
      }
      net.flush()
      const doc = docs[0] as Y.Doc
      const before = Y.encodeStateAsUpdate(doc)
      let updates = 0
      doc.on('update', () => updates++)
      for (const { snapshot, text } of taken) {
        const rebuilt = rebuildVersion(doc, snapshot)
        expect(rebuilt.text).toBe(text)
        expect(rebuilt).toEqual(fromYjs(doc, snapshot))
      }
      // The live document is only read.
      expect(updates).toBe(0)
      expect(Y.encodeStateAsUpdate(doc)).toEqual(before)
    })
  }

  it('keeps the part of a merged item that the snapshot saw, minus what it had deleted', () => {
    const doc = new Y.Doc({ gc: false })
    const text = doc.getText('content')
    text.insert(0, 'abc')
    text.delete(1, 1)
    const early = Y.snapshot(doc)
    // Typed right after "c" by the same client, "def" merges with it into one item, which
    // the early snapshot saw only the first character of.
    text.insert(2, 'def')
    text.delete(0, 1)
    expect(rebuildVersion(doc, early).text).toBe('ac')
    expect(rebuildVersion(doc, Y.snapshot(doc)).text).toBe('cdef')
    expect(rebuildVersion(doc, Y.emptySnapshot).text).toBe('')
  })
})
