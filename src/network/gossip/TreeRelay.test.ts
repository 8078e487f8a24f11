import { describe, expect, it } from 'vitest'
import { TreeRelay } from './TreeRelay'
import type { MeshPresence } from './meshNeedsRelay'

function relay(self: MeshPresence | null, states: MeshPresence[]): { relay: TreeRelay; resynced: string[][] } {
  const resynced: string[][] = []
  const tree = new TreeRelay({ self: () => self, states: () => states, resync: (peers) => resynced.push([...peers]) })
  tree.refresh()
  return { relay: tree, resynced }
}

describe('TreeRelay', () => {
  it('sends to every direct peer before it has a peer id', () => {
    expect(relay(null, []).relay.targets(null)).toBe('all')
  })

  it('keeps the full mesh: the author sends to all, nobody forwards', () => {
    const { relay: r } = relay({ peerId: 'a', links: ['b', 'c'] }, [
      { peerId: 'b', links: ['a', 'c'] },
      { peerId: 'c', links: ['a', 'b'] },
    ])
    expect(r.targets(null)).toBe('all')
    expect(r.targets('b')).toEqual(new Set())
  })

  it('forwards along the tree but back to the sender, and to links the view does not show yet', () => {
    // a line b – a – c plus d that links to a but is not described yet
    const { relay: r, resynced } = relay({ peerId: 'a', links: ['b', 'c', 'd'] }, [
      { peerId: 'b', links: ['a'] },
      { peerId: 'c', links: ['a'] },
    ])
    // A links to every peer it knows of, so its own updates go to all of them.
    expect(r.targets(null)).toBe('all')
    expect(r.targets('b')).toEqual(new Set(['c', 'd']))
    expect(resynced).toEqual([['b', 'c']])
  })

  it("takes an author's update along the tree rooted at that author: shortest paths, one message per peer", () => {
    // A ring a – b – c – d – e – f – a with a chord c – f: not a full mesh. The shared tree's root
    // is c (most links, then smallest id); an update by e must not climb to c and back.
    const ring: Record<string, string[]> = { a: ['b', 'f'], b: ['a', 'c'], c: ['b', 'd', 'f'], d: ['c', 'e'], e: ['d', 'f'], f: ['a', 'c', 'e'] }
    const at = (self: string): TreeRelay =>
      relay({ peerId: self, links: ring[self]! }, Object.entries(ring).filter(([id]) => id !== self).map(([peerId, links]) => ({ peerId, links }))).relay
    // From e, breadth-first: e → d, f; d → c; f → a; a → b (the first of its level in id order).
    expect(at('f').targets('e', 'e')).toEqual(new Set(['a']))
    expect(at('d').targets('e', 'e')).toEqual(new Set(['c']))
    // Each peer but the author gets it exactly once: count the sends of a broadcast from e.
    const received = new Map<string, number>([['e', 1]])
    const queue: [string, string | null][] = [['e', null]]
    let messages = 0
    while (queue.length > 0) {
      const [peer, from] = queue.shift()!
      const targets = from === null ? new Set(ring[peer]) : at(peer).targets(from, 'e')
      for (const next of targets === 'all' ? ring[peer]! : targets) {
        messages++
        const seen = received.get(next) ?? 0
        received.set(next, seen + 1)
        if (seen === 0) queue.push([next, peer])
      }
    }
    expect(messages).toBe(5)
    expect([...received.values()].every((count) => count === 1)).toBe(true)
    // An author nobody's view names: the shared tree, as before.
    expect(at('f').targets('e', 'stranger')).toEqual(at('f').targets('e'))
  })

  it('asks every direct peer for what it lacks when the mesh stops being full', () => {
    const states: MeshPresence[] = [{ peerId: 'b', links: ['a'] }]
    const self = { peerId: 'a', links: ['b'] }
    const resynced: string[][] = []
    const r = new TreeRelay({ self: () => self, states: () => states, resync: (peers) => resynced.push([...peers]) })
    r.refresh()
    self.links = ['b', 'c']
    states.push({ peerId: 'c', links: ['a', 'x'] }, { peerId: 'x', links: ['c'] })
    r.refresh()
    r.refresh()
    expect(resynced).toEqual([['b', 'c']])
    expect(r.targets('c')).toEqual(new Set(['b']))
  })

  it("sends its own updates to every peer it links to when it links to all, though another pair's link is missing", () => {
    // a links to b, c and d; d does not list c (yet, or its state is stale): not a full mesh, but
    // b, whose newer view is full, would forward nothing a tree ran through it.
    const { relay: r } = relay({ peerId: 'a', links: ['b', 'c', 'd'] }, [
      { peerId: 'b', links: ['a', 'c', 'd'] },
      { peerId: 'c', links: ['a', 'b', 'd'] },
      { peerId: 'd', links: ['a', 'b'] },
    ])
    expect(r.targets(null)).toBe('all')
    expect(r.targets('b')).not.toBe('all')
  })

  it('asks every direct peer for what it lacks when the mesh becomes full', () => {
    const states: MeshPresence[] = [
      { peerId: 'b', links: ['a', 'c'] },
      { peerId: 'c', links: ['a'] },
    ]
    const self = { peerId: 'a', links: ['b', 'c'] }
    const resynced: string[][] = []
    const r = new TreeRelay({ self: () => self, states: () => states, resync: (peers) => resynced.push([...peers]) })
    r.refresh()
    resynced.length = 0
    states[1] = { peerId: 'c', links: ['a', 'b'] }
    r.refresh()
    expect(r.targets('b')).toEqual(new Set())
    expect(resynced).toEqual([['b', 'c']])
  })

  it('weighs links by their published classes unless told not to (the fewest hops then)', () => {
    // A square a – b – d – c – a whose link b – d is slow: from a, d is reached through c.
    const square: Record<string, { links: string[]; linkMs: number[] }> = {
      a: { links: ['b', 'c'], linkMs: [0, 0] },
      b: { links: ['a', 'd'], linkMs: [0, 91] },
      c: { links: ['a', 'd'], linkMs: [0, 0] },
      d: { links: ['b', 'c'], linkMs: [91, 0] },
    }
    let weighted = true
    const states = Object.entries(square).filter(([id]) => id !== 'b').map(([peerId, peer]) => ({ peerId, ...peer }))
    const b = new TreeRelay({ self: () => ({ peerId: 'b', ...square.b! }), states: () => states, resync: () => {}, weighted: () => weighted })
    b.refresh()
    expect(b.targets('a', 'a')).toEqual(new Set())
    weighted = false
    b.refresh()
    expect(b.targets('a', 'a')).toEqual(new Set(['d']))
  })
})
