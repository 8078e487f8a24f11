import { describe, expect, it } from 'vitest'
import { TreeRelay } from './TreeRelay'
import type { MeshPresence } from '../MeshRelay'

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
    expect(r.targets(null)).toEqual(new Set(['b', 'c', 'd']))
    expect(r.targets('b')).toEqual(new Set(['c', 'd']))
    expect(resynced).toEqual([['b', 'c']])
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
})
