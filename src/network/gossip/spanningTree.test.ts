import { describe, expect, it } from 'vitest'
import * as prng from 'lib0/prng'
import { linkGraph, treeNeighbours, treeRoot } from './spanningTree'

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
