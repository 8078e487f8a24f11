import { LATENCY_CLASSES_MS } from './latencyClass'

/** The overlay as awareness describes it: each peer id and the peer ids it says it links to. */
export type LinkGraph = ReadonlyMap<string, ReadonlySet<string>>

/** Most peers and links one awareness view is read for; anything past them is ignored. */
export const MAX_GRAPH_PEERS = 1024
export const MAX_PEER_LINKS = 256

/**
 * Reads the link graph out of awareness states (`{peerId, links}`, see `MeshPresence`); `self`
 * and `selfLinks` replace whatever this peer's own state says. Everything another peer sends is
 * hostile: a state without a string `peerId` or an array `links` is skipped, non-string links are
 * dropped, and the sizes are capped.
 */
export function linkGraph(self: string, selfLinks: readonly string[], states: Iterable<unknown>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>([[self, new Set(selfLinks)]])
  for (const state of states) {
    if (graph.size >= MAX_GRAPH_PEERS) break
    const { peerId, links } = (state ?? {}) as { peerId?: unknown; links?: unknown }
    if (typeof peerId !== 'string' || peerId === self || !Array.isArray(links)) continue
    const set = new Set<string>()
    for (const link of links.slice(0, MAX_PEER_LINKS)) if (typeof link === 'string') set.add(link)
    graph.set(peerId, set)
  }
  return graph
}

/**
 * The round-trip time of each link in milliseconds, as awareness states describe it (`linkMs`,
 * aligned with `links`; see `MeshPresence`), keyed `a|b` with `a < b`: the larger of what the two
 * ends say, so every view gets the same figure. Malformed or missing figures are left out.
 */
export function linkLatencies(self: string, selfLinks: readonly string[], selfMs: readonly number[] | undefined, states: Iterable<unknown>): Map<string, number> {
  const latencies = new Map<string, number>()
  const read = (peer: string, links: readonly unknown[], ms: unknown): void => {
    if (!Array.isArray(ms)) return
    const count = Math.min(links.length, ms.length, MAX_PEER_LINKS)
    for (let i = 0; i < count; i++) {
      const other = links[i]
      const value = ms[i]
      if (typeof other !== 'string' || typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 60_000) continue
      const key = peer < other ? `${peer}|${other}` : `${other}|${peer}`
      latencies.set(key, Math.max(latencies.get(key) ?? 0, value))
    }
  }
  read(self, selfLinks, selfMs)
  let seen = 0
  for (const state of states) {
    if (++seen > MAX_GRAPH_PEERS) break
    const { peerId, links, linkMs } = (state ?? {}) as { peerId?: unknown; links?: unknown; linkMs?: unknown }
    if (typeof peerId === 'string' && peerId !== self && Array.isArray(links)) read(peerId, links, linkMs)
  }
  return latencies
}

/** Whether `a` and `b` both say they link to each other: only such links are tree links. */
function mutual(graph: LinkGraph, a: string, b: string): boolean {
  return graph.get(a)?.has(b) === true && graph.get(b)?.has(a) === true
}

/**
 * The peers of `self`'s connected part of `graph` (mutual links only), in breadth-first order from
 * `self`.
 */
function component(graph: LinkGraph, self: string): string[] {
  const seen = new Set([self])
  const order = [self]
  for (let i = 0; i < order.length; i++) {
    const peer = order[i] as string
    for (const next of graph.get(peer) ?? []) {
      if (seen.has(next) || !mutual(graph, peer, next)) continue
      seen.add(next)
      order.push(next)
    }
  }
  return order
}

/**
 * The root of the broadcast tree of `self`'s part of the graph: its best-connected peer (most
 * mutual links; ties broken by the smallest id), so that every peer computing it from the same
 * view picks the same one.
 * In a random graph the best-connected peer is (nearly) a centre, so the breadth-first tree
 * from it is about as shallow as a spanning tree of that graph can be.
 */
export function treeRoot(graph: LinkGraph, self: string): string {
  let best = self
  let bestDegree = -1
  for (const peer of component(graph, self)) {
    let degree = 0
    for (const other of graph.get(peer) ?? []) if (mutual(graph, peer, other)) degree++
    if (degree > bestDegree || (degree === bestDegree && peer < best)) {
      best = peer
      bestDegree = degree
    }
  }
  return best
}

/**
 * `self`'s neighbours in the broadcast tree: the breadth-first spanning tree of its part of the
 * graph from {@link treeRoot}, where each peer's parent is the first peer of the previous level
 * (in sorted id order) that links to it. Every peer computing it from the same view gets the same
 * tree, so the tree links are agreed without any message: a broadcast along them costs exactly
 * one message per peer but the author, and takes at most twice the tree's depth in hops.
 */
export function treeNeighbours(graph: LinkGraph, self: string): Set<string> {
  return treeNeighboursFrom(graph, self, treeRoot(graph, self)) ?? new Set()
}

/**
 * `self`'s neighbours in the tree of the graph rooted at `root`; null when `self` is not in
 * `root`'s part of the graph. With `latencies` (see {@link linkLatencies}) the fastest-path tree;
 * without any, the breadth-first tree (the same rule as {@link treeNeighbours}). Rooted at an
 * update's author, the tree takes every update along the fastest (or fewest-hop) paths from the
 * author's own links, which carry it first, and still one message reaches each peer.
 */
export function treeNeighboursFrom(graph: LinkGraph, self: string, root: string, latencies?: ReadonlyMap<string, number>): Set<string> | null {
  if (!graph.has(root)) return null
  const parent = latencies && latencies.size > 0 ? fastestPaths(graph, root, latencies) : breadthFirst(graph, root)
  if (!parent.has(self)) return null
  const neighbours = new Set<string>()
  const own = parent.get(self)
  if (own) neighbours.add(own)
  for (const [child, of] of parent) if (of === self) neighbours.add(child)
  return neighbours
}

/** Each peer's parent in the breadth-first tree from `root` (children in sorted id order). */
function breadthFirst(graph: LinkGraph, root: string): Map<string, string | null> {
  const parent = new Map<string, string | null>([[root, null]])
  let level = [root]
  while (level.length > 0) {
    const next: string[] = []
    for (const peer of [...level].sort()) {
      const children = [...(graph.get(peer) ?? [])].filter((other) => !parent.has(other) && mutual(graph, peer, other)).sort()
      for (const child of children) {
        parent.set(child, peer)
        next.push(child)
      }
    }
    level = next
  }
  return parent
}

/**
 * A link whose ends published no figure yet weighs as the fastest class: where every figure is
 * the same (a LAN, or one machine) a figure arriving changes no tree.
 */
const UNKNOWN_LATENCY_MS = LATENCY_CLASSES_MS[0] as number

/**
 * Each peer's parent in the fastest-path tree from `root` (Dijkstra over the links' published
 * round-trip times; ties by the smaller id, so every view with the same figures agrees). The
 * root's own links are its children whatever their figures: the author sends its update on every
 * link it has (see `SignedDocSync`), so a peer it links to has it first-hand, and a faster path
 * to it through another peer would only be a second copy.
 */
function fastestPaths(graph: LinkGraph, root: string, latencies: ReadonlyMap<string, number>): Map<string, string | null> {
  const parent = new Map<string, string | null>([[root, null]])
  const distance = new Map<string, number>([[root, 0]])
  const direct = mutualLinks(graph, root)
  const done = new Set<string>()
  for (;;) {
    let peer: string | null = null
    for (const [candidate, d] of distance) {
      if (done.has(candidate)) continue
      const best = peer === null ? Infinity : (distance.get(peer) as number)
      if (d < best || (d === best && peer !== null && candidate < peer)) peer = candidate
    }
    if (peer === null) return parent
    done.add(peer)
    const base = distance.get(peer) as number
    for (const other of graph.get(peer) ?? []) {
      if (done.has(other) || !mutual(graph, peer, other) || (direct.has(other) && peer !== root)) continue
      const key = peer < other ? `${peer}|${other}` : `${other}|${peer}`
      const d = base + (latencies.get(key) ?? UNKNOWN_LATENCY_MS)
      const known = distance.get(other)
      if (known === undefined || d < known || (d === known && peer < (parent.get(other) as string))) {
        distance.set(other, d)
        parent.set(other, peer)
      }
    }
  }
}

/** The peers `self` links to that also say they link to `self`. */
export function mutualLinks(graph: LinkGraph, self: string): Set<string> {
  return new Set([...(graph.get(self) ?? [])].filter((peer) => mutual(graph, self, peer)))
}
