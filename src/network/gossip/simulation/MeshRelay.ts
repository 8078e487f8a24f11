import { meshNeedsRelay, type MeshPresence } from '../meshNeedsRelay'

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
 * Decides (a baseline for the simulation; rooms run `TreeRelay`) whether updates
 * from peers are forwarded: not in a mesh known to be full (an edit then costs n − 1 messages
 * instead of n·(n − 1)), always otherwise, so a peer that reaches another only through a third
 * still gets everything.
 *
 * Skipping the relay is safe while every author's link to every peer works. A peer
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
