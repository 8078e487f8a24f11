/**
 * What each peer publishes in its awareness state so that the others can see the mesh: its
 * y-webrtc peer id and the peer ids it reaches directly (WebRTC links that are up, and tabs of its
 * browser over BroadcastChannel).
 */
export interface MeshPresence {
  readonly peerId: string
  readonly links: readonly string[]
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

export interface MeshRelayOptions {
  /** This peer's presence now (null until y-webrtc has a peer id). */
  readonly self: () => MeshPresence | null
  /** The awareness states of the room. */
  readonly states: () => Iterable<unknown>
  /**
   * Asks every direct peer for what this one lacks (a Yjs sync step 1 to each). Called when the
   * mesh stops being known to be full, see {@link MeshRelay}.
   */
  readonly resync: () => void
}

/**
 * Decides (the rule of earlier releases, kept as the simulation's baseline) whether updates
 * from peers are forwarded: not in a mesh known to be full (an edit then costs n − 1 messages
 * instead of n·(n − 1)), always otherwise, so a peer that reaches another only through a third
 * still gets everything.
 *
 * NOTE: skipping the relay is safe while every author's link to every peer works. A peer
 * publishes a lost link in its awareness before its next edit (the data channels are ordered), so
 * receivers of that edit forward it. A link that dies unnoticed, though, can drop an edit that
 * nobody forwards; once that loss is noticed the mesh is no longer known to be full, and every
 * peer then asks its direct peers for what it lacks (`resync`), which repairs it.
 */
export class MeshRelay {
  private relaying = true

  constructor(private readonly options: MeshRelayOptions) {}

  /** Whether to forward an update received from a peer now. */
  readonly shouldRelay = (): boolean => {
    this.refresh()
    return this.relaying
  }

  /** Re-derives the decision; call it whenever links or awareness states change. */
  refresh(): void {
    const self = this.options.self()
    const relaying = self === null || meshNeedsRelay(self, this.options.states())
    const stoppedBeingFull = relaying && !this.relaying
    this.relaying = relaying
    if (stoppedBeingFull) this.options.resync()
  }
}
