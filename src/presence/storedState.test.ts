import { describe, expect, it } from 'vitest'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { alwaysOnPeers, isAlwaysOnState } from './alwaysOnPeers'
import { parseStoredState, storedCovers, storedStateOf } from './storedState'

function synced(): [Y.Doc, Y.Doc] {
  const a = new Y.Doc()
  const b = new Y.Doc()
  a.getText('content').insert(0, 'hello world')
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
  return [a, b]
}

describe('storedState', () => {
  it('covers a copy holding the same inserts and deletions, whatever order they arrived in', () => {
    const [a, b] = synced()
    expect(storedCovers(storedStateOf(b), storedStateOf(a))).toBe(true)
    a.getText('content').insert(0, '!')
    expect(storedCovers(storedStateOf(b), storedStateOf(a))).toBe(false)
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
    expect(storedCovers(storedStateOf(b), storedStateOf(a))).toBe(true)
  })

  it('does not cover a copy with a deletion it lacks (a state vector alone would)', () => {
    const [a, b] = synced()
    a.getText('content').delete(0, 5)
    expect(Y.encodeStateVector(a)).toEqual(Y.encodeStateVector(b))
    expect(storedCovers(storedStateOf(b), storedStateOf(a))).toBe(false)
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    expect(storedCovers(storedStateOf(b), storedStateOf(a))).toBe(true)
  })

  it('covers a copy that is behind it', () => {
    const [a, b] = synced()
    b.getText('content').insert(0, 'more ')
    expect(storedCovers(storedStateOf(b), storedStateOf(a))).toBe(true)
  })

  it('rejects malformed summaries from another peer', () => {
    const valid = storedStateOf(new Y.Doc())
    expect(parseStoredState(valid)).toEqual(valid)
    for (const bad of [null, 'x', 42, {}, { sv: 1, deletes: valid.deletes }, { sv: valid.sv, deletes: 'short' }, { sv: '%%%', deletes: valid.deletes }, { sv: 'A'.repeat(70_000), deletes: valid.deletes }]) {
      expect(parseStoredState(bad)).toBeNull()
    }
  })

  it('finds always-on peers by their field and ignores hostile states', () => {
    const doc = new Y.Doc()
    const awareness = new Awareness(doc)
    const states = awareness.getStates()
    states.set(101, { user: { name: 'Always-on peer' }, alwaysOn: storedStateOf(doc) })
    states.set(102, { alwaysOn: { sv: 12 } })
    states.set(103, { alwaysOn: 'yes' })
    states.set(104, { user: { name: 'Ben' } })
    expect(isAlwaysOnState(null)).toBe(false)
    const peers = alwaysOnPeers(awareness)
    expect(peers.map((peer) => peer.clientId)).toEqual([101, 102])
    expect(peers[0]?.stored).not.toBeNull()
    expect(peers[1]?.stored).toBeNull()
    awareness.destroy()
  })
})
