import { describe, expect, it } from 'vitest'
import * as prng from 'lib0/prng'
import { linkGraph, linkLatencies, treeNeighbours, treeNeighboursFrom, treeRoot } from './spanningTree'

function randomGraph(seed: number, n: number, degree: number): Map<string, Set<string>> {
  const rng = prng.create(seed)
  const ids = Array.from({ length: n }, (_, i) => `p${i}`)
  const graph = new Map(ids.map((id) => [id, new Set<string>()]))
  for (const id of ids) {
    while ((graph.get(id)?.size ?? 0) < degree) {
      const other = prng.oneOf(rng, ids)
      if (other === id) continue
      graph.get(id)?.add(other)
      graph.get(other)?.add(id)
    }
  }
  return graph
}

describe('treeNeighbours', () => {
  it('gives every peer the same spanning tree: n − 1 links, connected, from one view', () => {
    const graph = randomGraph(1, 60, 5)
    const edges = new Set<string>()
    for (const peer of graph.keys()) {
      for (const other of treeNeighbours(graph, peer)) {
        expect(treeNeighbours(graph, other).has(peer)).toBe(true)
        edges.add([peer, other].sort().join('|'))
      }
    }
    expect(edges.size).toBe(59)
    const seen = new Set(['p0'])
    const stack = ['p0']
    while (stack.length > 0) {
      for (const next of treeNeighbours(graph, stack.pop() as string)) {
        if (seen.has(next)) continue
        seen.add(next)
        stack.push(next)
      }
    }
    expect(seen.size).toBe(60)
  })

  it('roots the tree at the best-connected peer', () => {
    const graph = linkGraph('a', ['b', 'c', 'd'], [
      { peerId: 'b', links: ['a', 'c'] },
      { peerId: 'c', links: ['a', 'b', 'd'] },
      { peerId: 'd', links: ['a', 'c'] },
    ])
    expect(treeRoot(graph, 'd')).toBe('a')
    expect([...treeNeighbours(graph, 'a')].sort()).toEqual(['b', 'c', 'd'])
    expect([...treeNeighbours(graph, 'c')]).toEqual(['a'])
  })

  it('uses only links both ends report, and ignores hostile states', () => {
    const graph = linkGraph('a', ['b'], [
      { peerId: 'b', links: ['a', 'c', 42, null] },
      { peerId: 'c', links: [] },
      { peerId: 7, links: ['a'] },
      { peerId: 'x', links: 'a' },
      null,
      'junk',
      { peerId: 'a', links: ['z'] },
    ])
    expect([...graph.keys()].sort()).toEqual(['a', 'b', 'c'])
    expect(graph.get('a')).toEqual(new Set(['b']))
    expect(graph.get('b')).toEqual(new Set(['a', 'c']))
    expect(treeNeighbours(graph, 'b')).toEqual(new Set(['a']))
    expect(treeNeighbours(graph, 'c')).toEqual(new Set())
  })
})

describe('treeNeighboursFrom', () => {
  // A square a – b – d and a – c – d: two 2-hop paths from a to d, the one through c much faster.
  const graph = linkGraph('a', ['b', 'c'], [
    { peerId: 'b', links: ['a', 'd'] },
    { peerId: 'c', links: ['a', 'd'] },
    { peerId: 'd', links: ['b', 'c'] },
  ])

  it('without latencies, takes the breadth-first tree from the author (ties by id: d hangs off b)', () => {
    expect(treeNeighboursFrom(graph, 'd', 'a')).toEqual(new Set(['b']))
    expect(treeNeighboursFrom(graph, 'a', 'a')).toEqual(new Set(['b', 'c']))
    expect(treeNeighboursFrom(graph, 'a', 'nobody')).toBeNull()
  })

  it('with published round-trip times, takes the fastest paths; each link weighs the larger of its two figures', () => {
    const latencies = linkLatencies('a', ['b', 'c'], [10, 10], [
      { peerId: 'b', links: ['a', 'd'], linkMs: [10, 90] },
      { peerId: 'c', links: ['a', 'd'], linkMs: [10, 20] },
      // d says its link to c is slower than c does: the larger figure counts, on every view.
      { peerId: 'd', links: ['b', 'c'], linkMs: [90, 30] },
    ])
    expect(latencies.get('c|d')).toBe(30)
    expect(treeNeighboursFrom(graph, 'd', 'a', latencies)).toEqual(new Set(['c']))
    expect(treeNeighboursFrom(graph, 'b', 'a', latencies)).toEqual(new Set(['a']))
    // One figure for every link (one machine, a LAN), or figures for some links only at the
    // fastest class: the breadth-first tree, so figures arriving there change no tree.
    const same = linkLatencies('a', ['b', 'c'], [8, 8], [{ peerId: 'd', links: ['b', 'c'], linkMs: [8, 0] }])
    expect(treeNeighboursFrom(graph, 'd', 'a', same)).toEqual(new Set(['b']))
    expect(treeNeighboursFrom(graph, 'a', 'a', same)).toEqual(new Set(['b', 'c']))
    // The author's own links carry its update first-hand: a faster path to one of them through
    // another peer is not taken (it would be a second copy). Here a – b is slow, a – c – b fast.
    const triangle = linkGraph('a', ['b', 'c'], [
      { peerId: 'b', links: ['a', 'c'] },
      { peerId: 'c', links: ['a', 'b'] },
    ])
    const slowAb = linkLatencies('a', ['b', 'c'], [200, 10], [
      { peerId: 'b', links: ['a', 'c'], linkMs: [200, 10] },
      { peerId: 'c', links: ['a', 'b'], linkMs: [10, 10] },
    ])
    expect(treeNeighboursFrom(triangle, 'c', 'a', slowAb)).toEqual(new Set(['a']))
    expect(treeNeighboursFrom(triangle, 'b', 'a', slowAb)).toEqual(new Set(['a']))
    expect(treeNeighboursFrom(triangle, 'a', 'a', slowAb)).toEqual(new Set(['b', 'c']))
    // Hostile figures (not numbers, negative, absurd) are left out.
    const hostile = linkLatencies('a', [], undefined, [{ peerId: 'b', links: ['a', 'd', 'c'], linkMs: ['x', -5, 1e9] }])
    expect(hostile.size).toBe(0)
  })
})
