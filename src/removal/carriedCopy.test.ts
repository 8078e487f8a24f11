// @vitest-environment node
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { CarriedCopy } from './carriedCopy'

const sync = (from: Y.Doc, to: Y.Doc): void => Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'peer')
const textOf = (update: Uint8Array): string => {
  const doc = new Y.Doc({ gc: false })
  Y.applyUpdate(doc, update)
  return doc.getText('content').toString()
}

describe('what a kept writer carries into the new room', () => {
  it('its stored copy and its own edits; nothing others sent it meanwhile, however it is ordered', () => {
    const stored = new Y.Doc({ gc: false })
    stored.getText('content').insert(0, 'Stored text. ')
    const mine = new Y.Doc({ gc: false })
    const carry = new CarriedCopy(mine)
    Y.applyUpdate(mine, Y.encodeStateAsUpdate(stored), 'local copy')
    carry.markLoaded()
    carry.markLoaded()
    // Cal (removed later, still holding the edit key) writes and deletes; it reaches this page…
    const cal = new Y.Doc({ gc: false })
    sync(mine, cal)
    cal.getText('content').insert(0, 'CAL ')
    cal.getText('content').delete(4, 7)
    sync(cal, mine)
    // …and this page types and deletes on its own.
    const text = mine.getText('content')
    text.insert(text.length, 'Mine.')
    text.delete(text.toString().indexOf('text'), 5)
    expect(text.toString()).toBe('CAL  Mine.')
    // Cal's insert and deletion stay behind; this page's deletion of "text." comes along.
    expect(textOf(carry.carried())).toBe('Stored  Mine.')
    carry.destroy()
    carry.destroy()
  })

  it("the remover carries its whole copy as it was when it removed, and its own edits after", () => {
    const mine = new Y.Doc({ gc: false })
    const carry = new CarriedCopy(mine)
    carry.markLoaded()
    const other = new Y.Doc({ gc: false })
    other.getText('content').insert(0, 'From Bea. ')
    sync(other, mine)
    carry.takeAll()
    other.getText('content').insert(0, 'Later, from Bea. ')
    sync(other, mine)
    mine.getText('content').insert(mine.getText('content').length, 'Mine.')
    expect(textOf(carry.carried())).toBe('From Bea. Mine.')
    carry.destroy()
  })

  it('carries the whole copy before anything was taken', () => {
    const doc = new Y.Doc({ gc: false })
    doc.getText('content').insert(0, 'All of it.')
    expect(textOf(new CarriedCopy(doc).carried())).toBe('All of it.')
  })
})
