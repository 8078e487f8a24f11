import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { appendCommentRecord, commentRecords, MAX_COMMENT_RECORD_BYTES } from '../../document/comments/commentRecords'
import { commentOnlyUpdate, MAX_COMMENT_UPDATE_RECORDS } from './commentOnlyUpdate'

/** The update `change` makes on a copy of `base` (what a peer holding `base` would send). */
function updateOn(base: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base))
  const before = Y.encodeStateVector(doc)
  change(doc)
  return Y.encodeStateAsUpdate(doc, before)
}

const record = (text: string): Record<string, unknown> => ({ kind: 'thread', id: text, text })

function room(): Y.Doc {
  const doc = new Y.Doc()
  doc.getText('content').insert(0, 'hello world')
  doc.getMap('meta').set('title', 'notes')
  return doc
}

describe('commentOnlyUpdate', () => {
  it('accepts appending records: to an empty array, after others, several at once, in the middle', () => {
    const doc = room()
    const first = updateOn(doc, (d) => appendCommentRecord(d, record('a')))
    expect(commentOnlyUpdate(doc, first)).toBe(true)
    Y.applyUpdate(doc, first)
    const after = updateOn(doc, (d) => {
      appendCommentRecord(d, record('b'))
      appendCommentRecord(d, record('c'))
    })
    expect(commentOnlyUpdate(doc, after)).toBe(true)
    Y.applyUpdate(doc, after)
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => commentRecords(d).insert(1, [record('middle')])))).toBe(true)
  })

  it('refuses any change to the text or the meta, even alongside a comment', () => {
    const doc = room()
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => d.getText('content').insert(0, 'x')))).toBe(false)
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => d.getText('content').delete(0, 1)))).toBe(false)
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => d.getMap('meta').set('title', 'mine')))).toBe(false)
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => d.getMap('meta').set('commentKey', 'forged')))).toBe(false)
    const mixed = updateOn(doc, (d) => {
      appendCommentRecord(d, record('a'))
      d.getText('content').insert(11, '!')
    })
    expect(commentOnlyUpdate(doc, mixed)).toBe(false)
    // An item placed next to a text item, claiming nothing else.
    const text = updateOn(doc, (d) => d.getText('content').insert(5, ','))
    expect(commentOnlyUpdate(doc, text)).toBe(false)
  })

  it('refuses deleting or overwriting records, nested types, binary and other non-JSON content', () => {
    const doc = room()
    Y.applyUpdate(doc, updateOn(doc, (d) => appendCommentRecord(d, record('a'))))
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => commentRecords(d).delete(0, 1)))).toBe(false)
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => commentRecords(d).push([new Y.Map()])))).toBe(false)
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => commentRecords(d).push([new Uint8Array(4)])))).toBe(false)
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => commentRecords(d).push(['just a string'])))).toBe(false)
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => commentRecords(d).push([{ nested: { bytes: new Uint8Array(2) } }])))).toBe(false)
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => d.getArray('other').push([record('x')])))).toBe(false)
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => d.getMap('comments-map').set('k', record('x'))))).toBe(false)
  })

  it('refuses an oversize record, too many records, garbage, an empty update and one placed next to an unknown item', () => {
    const doc = room()
    const big = { kind: 'thread', text: 'x'.repeat(MAX_COMMENT_RECORD_BYTES) }
    expect(commentOnlyUpdate(doc, updateOn(doc, (d) => appendCommentRecord(d, big)))).toBe(false)
    const many = updateOn(doc, (d) => commentRecords(d).push(Array.from({ length: MAX_COMMENT_UPDATE_RECORDS + 1 }, (_, i) => record(String(i)))))
    expect(commentOnlyUpdate(doc, many)).toBe(false)
    expect(commentOnlyUpdate(doc, Uint8Array.of(9, 9, 9))).toBe(false)
    expect(commentOnlyUpdate(doc, Y.encodeStateAsUpdate(new Y.Doc()))).toBe(false)
    // Appended after a record this copy has not received: it cannot be placed, so it is refused.
    const elsewhere = room()
    Y.applyUpdate(elsewhere, updateOn(elsewhere, (d) => appendCommentRecord(d, record('unseen'))))
    expect(commentOnlyUpdate(doc, updateOn(elsewhere, (d) => appendCommentRecord(d, record('after'))))).toBe(false)
  })
})
