/**
 * What each peer publishes in its awareness state so that the others can see the mesh: its
 * y-webrtc peer id and the peer ids it reaches directly (WebRTC links that are up, and tabs of its
 * browser over BroadcastChannel).
 */
export interface MeshPresence {
  readonly peerId: string
  readonly links: readonly string[]
  /**
   * Each link's round-trip time class in ms (aligned with `links`; 0 where not yet known): the
   * upper bound of the class its steady round-trip time falls in (see `latencyClass`), which
   * gossip trees weigh links by.
   */
  readonly linkMs?: readonly number[]
}

/**
 * Whether updates received from one peer must be forwarded to the others. They need not be only
 * when the mesh is known to be full: every peer known links directly to every other peer known,
 * so an author's own sends reach everyone. Anything unknown (a state without `peerId` or `links`,
 * a link to a peer nobody describes) counts as "maybe not full".
 *
 * `self` carries this peer's live links; `states` are the awareness states of everyone else
 * (this peer's own state, if present, is ignored in favour of `self`).
 */
export function meshNeedsRelay(self: MeshPresence, states: Iterable<unknown>): boolean {
  const links = new Map<string, ReadonlySet<string>>([[self.peerId, new Set(self.links)]])
  for (const state of states) {
    const { peerId, links: theirs } = (state ?? {}) as { peerId?: unknown; links?: unknown }
    if (peerId === self.peerId) continue
    if (typeof peerId !== 'string' || !Array.isArray(theirs)) return true
    links.set(peerId, new Set(theirs as unknown[] as string[]))
  }
  for (const [peerId, reached] of links) {
    for (const other of reached) if (!links.has(other)) return true
    for (const other of links.keys()) if (other !== peerId && !reached.has(other)) return true
  }
  return false
}
