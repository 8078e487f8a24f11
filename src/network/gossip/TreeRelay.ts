import { meshNeedsRelay, type MeshPresence } from './meshNeedsRelay'
import { linkGraph, linkLatencies, mutualLinks, treeNeighbours, treeNeighboursFrom, type LinkGraph } from './spanningTree'

/** Where an update goes: every direct peer, or only these peer ids. */
export type RelayTargets = 'all' | ReadonlySet<string>

const NOBODY: ReadonlySet<string> = new Set()

export interface TreeRelayOptions {
  /** This peer's presence now (null until y-webrtc has a peer id). */
  readonly self: () => MeshPresence | null
  /** The awareness states of the room. */
  readonly states: () => Iterable<unknown>
  /** Asks these direct peers for what this copy lacks (a Yjs sync step 1 to each). */
  readonly resync: (peerIds: readonly string[]) => void
  /**
   * Whether trees weigh links by their published round-trip time classes (default: yes); false
   * weighs every link alike, so trees take the fewest hops. Tests and benchmarks only (see `relayRule.ts`).
   */
  readonly weighted?: () => boolean
}

/**
 * Decides which direct peers get each document or awareness update, so that an edit costs about
 * n − 1 messages at any room size:
 * - no peer id yet: every direct peer (y-webrtc's own behaviour);
 * - a mesh known to be full (see `meshNeedsRelay`): the author sends to everyone, nobody forwards;
 * - otherwise a broadcast tree that every peer derives from the same awareness view (`links`,
 *   `linkMs`): rooted at the update's author when the receiver can tell who that is
 *   (`treeNeighboursFrom`: the author's own links carry it first, then the fastest paths by the
 *   links' published round-trip time classes), else the room's one shared tree
 *   (`treeNeighbours`). An update goes to the tree neighbours but the one it came from, plus any
 *   direct peer whose link the view does not show as mutual yet (just connected);
 * - but an author linked to every peer it knows of sends its own updates to all of them: views
 *   disagree while links come and go, and a peer whose view is full forwards nothing, so a tree
 *   that ran through it would stop there.
 *
 * Convergence: only updates that changed this copy are passed on (Yjs emits `update` only for
 * new content), so a peer that already had an update stops it, and a copy of the tree that
 * reaches every peer reaches every peer once. Where views disagree for a moment (a link just
 * opened or closed) an update may be sent twice (harmless: the second changes nothing) or not
 * at all to some peer; every peer that gains a tree neighbour asks it for what it lacks (Yjs
 * sync step 1, answered with the missing part), so does every peer whose view becomes full (what
 * the tree dropped meanwhile), and `GossipRepair` covers lost messages and views that stay
 * stale. Cost: n − 1 messages per update once views agree; a view change costs one sync exchange
 * per new tree link.
 */
export class TreeRelay {
  private full = false
  /** This peer links directly to every peer its view knows of. */
  private linkedToAll = false
  private tree: ReadonlySet<string> = NOBODY
  private extra: ReadonlySet<string> = NOBODY
  private known = false
  private key = ''
  private graph: LinkGraph = new Map()
  private latencies: ReadonlyMap<string, number> = new Map()
  private selfId = ''
  /** Trees rooted at authors, for the current view (null: this peer is not in that author's part). */
  private readonly byAuthor = new Map<string, ReadonlySet<string> | null>()

  constructor(private readonly options: TreeRelayOptions) {}

  /**
   * The direct peers to send an update to: `from` is the peer it came from, null for a local one;
   * `author` the peer id of who wrote it, where the receiver can tell (a local one is this peer's).
   */
  targets(from: string | null, author: string | null = null): RelayTargets {
    if (!this.known) return 'all'
    if (this.full) return from === null ? 'all' : NOBODY
    if (from === null && this.linkedToAll) return 'all'
    const targets = new Set<string>()
    for (const peer of this.treeOf(from === null ? this.selfId : author)) if (peer !== from) targets.add(peer)
    for (const peer of this.extra) if (peer !== from) targets.add(peer)
    return targets
  }

  /** This peer's neighbours in the tree rooted at `author`, or in the shared tree. */
  private treeOf(author: string | null): ReadonlySet<string> {
    if (author === null) return this.tree
    let tree = this.byAuthor.get(author)
    if (tree === undefined) {
      // The view is bounded (see `linkGraph`), and so are the trees kept for it.
      tree = this.byAuthor.size < this.graph.size ? treeNeighboursFrom(this.graph, this.selfId, author, this.latencies) : null
      this.byAuthor.set(author, tree)
    }
    return tree ?? this.tree
  }

  /** This peer's tree neighbours in the last view (empty in a full mesh). */
  get treeLinks(): ReadonlySet<string> {
    return this.full ? NOBODY : this.tree
  }

  /** Re-derives the decision; call it whenever links or awareness states change. */
  refresh(): void {
    const self = this.options.self()
    if (self === null) {
      this.known = false
      return
    }
    const states = [...this.options.states()]
    const graph = linkGraph(self.peerId, self.links, states)
    const latencies: ReadonlyMap<string, number> = this.options.weighted?.() === false ? new Map() : linkLatencies(self.peerId, self.links, self.linkMs, states)
    const key = [...graph].map(([peer, links]) => `${peer}>${[...links].sort().join()}`).sort().join(';') + [...latencies].sort().join(';')
    if (this.known && key === this.key) return
    this.key = key
    this.graph = graph
    this.latencies = latencies
    this.selfId = self.peerId
    this.byAuthor.clear()
    const wasFull = this.full
    const wasKnown = this.known
    const before = this.treeLinks
    this.known = true
    this.full = !meshNeedsRelay(self, states)
    this.tree = this.full ? NOBODY : treeNeighbours(graph, self.peerId)
    const mutual = mutualLinks(graph, self.peerId)
    this.extra = new Set(self.links.filter((peer) => !mutual.has(peer)))
    const direct = new Set(self.links)
    this.linkedToAll = [...graph.keys()].every((peer) => peer === self.peerId || direct.has(peer))
    // A view that changes between full and not loses what the other mode did not send.
    const added = wasKnown && wasFull !== this.full ? [...self.links] : [...this.tree].filter((peer) => !before.has(peer))
    if (added.length > 0) this.options.resync(added)
  }
}
