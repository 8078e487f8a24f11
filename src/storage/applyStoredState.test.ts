import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { applyStoredState } from './applyStoredState'

function storedDoc(): Uint8Array[] {
  const doc = new Y.Doc({ gc: false })
  const updates: Uint8Array[] = []
  doc.on('update', (update: Uint8Array) => updates.push(update))
  doc.getText('content').insert(0, 'hello world')
  doc.getText('content').delete(0, 6)
  doc.getMap('meta').set('title', 'greeting')
  return updates
}

describe('applyStoredState', () => {
  it('applies every stored record in one transaction; update listeners get the records, which rebuild it', () => {
    const doc = new Y.Doc({ gc: false })
    const origin = Symbol('store')
    const got: [Uint8Array, unknown][] = []
    const other: unknown[] = []
    doc.on('update', (update: Uint8Array, from: unknown) => got.push([update, from]))
    doc.on('update', (_update: Uint8Array, from: unknown) => other.push(from))
    let transactions = 0
    doc.on('afterTransaction', () => transactions++)
    applyStoredState(doc, storedDoc(), origin)
    expect(doc.getText('content').toString()).toBe('world')
    expect(transactions).toBe(1)
    const stored = storedDoc()
    expect(got.map(([, from]) => from)).toEqual(stored.map(() => origin))
    expect(other).toEqual(stored.map(() => origin))
    const elsewhere = new Y.Doc({ gc: false })
    for (const [update] of got) Y.applyUpdate(elsewhere, update)
    expect(elsewhere.getText('content').toString()).toBe('world')
    expect(elsewhere.getMap('meta').get('title')).toBe('greeting')
    // The listeners are back: a later edit reaches them as usual.
    doc.getText('content').insert(0, '!')
    expect(got).toHaveLength(stored.length + 1)
  })

  it('tells nobody when the stored records hold nothing new, and keeps listeners added meanwhile', () => {
    const doc = new Y.Doc({ gc: false })
    const stored = storedDoc()
    applyStoredState(doc, stored, 'first')
    const got: unknown[] = []
    const late: unknown[] = []
    doc.on('update', (_update: Uint8Array, from: unknown) => got.push(from))
    doc.getText('content').observe(() => doc.on('update', (_update: Uint8Array, from: unknown) => late.push(from)))
    applyStoredState(doc, stored, 'again')
    expect(got).toEqual([])
    doc.getText('content').insert(0, '!')
    expect(got).toEqual([null])
    expect(late).toEqual([null])
  })

  it('inside another transaction, leaves the encoding to Yjs when that one ends', () => {
    const doc = new Y.Doc({ gc: false })
    const got: unknown[] = []
    doc.on('update', (_update: Uint8Array, from: unknown) => got.push(from))
    doc.transact(() => applyStoredState(doc, storedDoc(), 'stored'), 'outer')
    expect(doc.getText('content').toString()).toBe('world')
    expect(got).toEqual(['outer'])
  })
})
