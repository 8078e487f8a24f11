import { linkGraph, linkLatencies, treeNeighboursFrom, type LinkGraph } from '../../src/network/gossip/spanningTree.ts'
import { LATENCY_CLASSES_MS } from '../../src/network/gossip/latencyClass.ts'
import type { RelayRule } from '../../src/network/gossip/relayRule.ts'

/** A peer as the room's presence describes it, with its access link's one-way delay (ms). */
export interface PathPeer {
  readonly peerId: string
  readonly links: readonly string[]
  readonly linkMs: readonly number[]
  readonly delayMs: number
}

/**
 * For each peer but the author, along the path an update takes: hops, the links' one-way delay
 * summed, and their published round-trip time classes summed (what the weighed trees minimise;
 * a link without a class as the fastest, as the trees weigh it).
 */
export interface TreePath {
  readonly peer: number
  readonly hops: number
  readonly networkMs: number
  readonly classMs: number
}

/**
 * The path an update of `author` takes to each peer under `rule`, as the peers compute it when
 * their views agree (from these presence states): the tree of `treeNeighboursFrom`, weighed
 * (`weighted`) or not (`hops`); for `flood`, the path of least delay (a flood's first copy takes
 * it when nothing queues). A link i – j delays `delayMs` of i plus that of j one way. A diagnostic
 * for benchmarks: it says how much of a latency is the network's and how many hops add the rest.
 */
export function treePaths(peers: readonly PathPeer[], author: number, rule: RelayRule): TreePath[] {
  const index = new Map(peers.map((peer, i) => [peer.peerId, i]))
  const self = peers[author]!
  const graph: LinkGraph = linkGraph(self.peerId, self.links, peers)
  const delay = (a: string, b: string): number => peers[index.get(a)!]!.delayMs + peers[index.get(b)!]!.delayMs
  const mutual = (a: string, b: string): boolean => graph.get(a)?.has(b) === true && graph.get(b)?.has(a) === true
  const edges = new Map<string, Set<string>>()
  if (rule === 'flood') {
    for (const [a, links] of graph) for (const b of links) if (index.has(a) && index.has(b) && mutual(a, b)) edges.set(a, (edges.get(a) ?? new Set()).add(b))
  } else {
    const latencies = rule === 'weighted' ? linkLatencies(self.peerId, self.links, self.linkMs, peers) : new Map<string, number>()
    for (const peer of peers) {
      for (const next of treeNeighboursFrom(graph, peer.peerId, self.peerId, latencies) ?? []) {
        edges.set(peer.peerId, (edges.get(peer.peerId) ?? new Set()).add(next))
        edges.set(next, (edges.get(next) ?? new Set()).add(peer.peerId))
      }
    }
  }
  // Least delay over those edges (in a tree, the one path).
  const classes = linkLatencies(self.peerId, self.links, self.linkMs, peers)
  const classOf = (a: string, b: string): number => classes.get(a < b ? `${a}|${b}` : `${b}|${a}`) ?? LATENCY_CLASSES_MS[0]!
  const best = new Map<string, { ms: number; hops: number; classMs: number }>([[self.peerId, { ms: 0, hops: 0, classMs: 0 }]])
  const done = new Set<string>()
  for (;;) {
    let current: string | null = null
    for (const [peer, at] of best) if (!done.has(peer) && (current === null || at.ms < best.get(current)!.ms)) current = peer
    if (current === null) break
    done.add(current)
    const at = best.get(current)!
    for (const next of edges.get(current) ?? []) {
      const ms = at.ms + delay(current, next)
      if (!index.has(next) || (best.get(next)?.ms ?? Infinity) <= ms) continue
      best.set(next, { ms, hops: at.hops + 1, classMs: at.classMs + classOf(current, next) })
    }
  }
  return peers.flatMap((peer, i) => {
    const at = best.get(peer.peerId)
    return i === author || at === undefined ? [] : [{ peer: i, hops: at.hops, networkMs: at.ms, classMs: at.classMs }]
  })
}
