import type * as Y from 'yjs'

/** How often a peer of a room that is not a full mesh asks one direct peer for what it lacks. */
export const REPAIR_INTERVAL_MS = 5_000

export interface GossipRepairOptions {
  readonly doc: Y.Doc
  /** The direct peers this peer reaches now. */
  readonly links: () => readonly string[]
  /** Asks these direct peers for what this copy lacks (a Yjs sync step 1 to each). */
  readonly resync: (peerIds: readonly string[]) => void
  /** A number in [0, 1): which peer a round asks (seeded in the simulation). */
  readonly random: () => number
}

/**
 * Repairs what a broadcast lost, with Yjs's own state-vector sync:
 * - a gap: an update applied from a peer left Yjs holding structs or deletions whose causes it
 *   has not seen (`pendingStructs`/`pendingDs`): something before it was lost, so that peer (which
 *   had it) is asked at once — at most once per peer between two rounds;
 * - anti-entropy: each round (`tick`, every {@link REPAIR_INTERVAL_MS}) asks one direct peer at
 *   random. An update lost at the end of a burst leaves no gap; as long as the room's links connect
 *   everyone, every missing update is pulled across every link with positive probability each
 *   round, so every copy converges. Cost: two messages (state vector, answer) per peer per round,
 *   whatever the edit rate.
 */
export class GossipRepair {
  private readonly asked = new Set<string>()

  constructor(private readonly options: GossipRepairOptions) {}

  /** Call after an update from `peerId` was applied. */
  afterUpdateFrom(peerId: string): void {
    const { store } = this.options.doc
    if ((store.pendingStructs === null && store.pendingDs === null) || this.asked.has(peerId)) return
    this.asked.add(peerId)
    this.options.resync([peerId])
  }

  /** One anti-entropy round. */
  tick(): void {
    this.asked.clear()
    const links = this.options.links()
    if (links.length === 0) return
    const peer = links[Math.floor(this.options.random() * links.length)] as string
    this.options.resync([peer])
  }
}
