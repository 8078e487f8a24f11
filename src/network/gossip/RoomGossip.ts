import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import type { MeshPresence } from './meshNeedsRelay'
import { AwarenessThrottle } from './AwarenessThrottle'
import { GossipRepair, REPAIR_INTERVAL_MS } from './GossipRepair'
import { LONELY_ANNOUNCE_MS, LONELY_LINKS, acceptAnnounce } from './membership'
import type { RelayRule } from './relayRule'
import { TreeRelay, type RelayTargets } from './TreeRelay'

const NOBODY: ReadonlySet<string> = new Set()

export interface RoomGossipOptions {
  readonly doc: Y.Doc
  readonly awareness: Awareness
  /** This peer's presence now (null until y-webrtc has a peer id). */
  readonly self: () => MeshPresence | null
  /** The direct peer a transaction's `origin` says its update came from, null for none (see `linkOf`). */
  readonly senderOf: (origin: unknown) => string | null
  /** Sends Yjs sync step 1 to these direct peers. */
  readonly resync: (peerIds: readonly string[]) => void
  /** Announces this peer on the signaling servers again, with `links` (default: its own count). */
  readonly announce: (links?: number) => void
  /** The signaling server's latest count of the room's subscribers, if it sent one. */
  readonly signalingClients: () => number | undefined
  /** How many WebRTC connections this peer keeps (RoomNetwork's `maxConns`). */
  readonly maxConns: () => number
  /** The relay rule now (tests and benchmarks only, see `relayRule.ts`); default `weighted`. */
  readonly relayRule?: () => RelayRule
}

/**
 * What Meshpad adds to y-webrtc so that rooms past a full mesh still cost about n − 1 messages per
 * edit: the {@link TreeRelay} decides where each update goes (`relayTargets`, asked by the message
 * layer and the signed sync), the
 * {@link GossipRepair} pulls what was lost (on a gap at once, otherwise one random peer every
 * {@link REPAIR_INTERVAL_MS}, only while the mesh is not full), `acceptAnnounce` keeps the overlay
 * a connected random graph, a lonely peer announces itself again, and awareness is rate-limited
 * per person. It owns its timers and listeners and removes them in `destroy()`.
 */
export class RoomGossip {
  private readonly tree: TreeRelay
  private readonly repair: GossipRepair
  private readonly throttle: AwarenessThrottle
  private readonly timers: ReturnType<typeof setInterval>[]
  private destroyed = false
  private unseenChecks = 0

  constructor(private readonly options: RoomGossipOptions) {
    const links = (): string[] => [...(options.self()?.links ?? [])]
    this.tree = new TreeRelay({
      self: options.self,
      states: () => options.awareness.getStates().values(),
      resync: options.resync,
      weighted: () => options.relayRule?.() !== 'hops',
    })
    this.repair = new GossipRepair({ doc: options.doc, links, resync: options.resync, random: Math.random })
    this.throttle = new AwarenessThrottle(() => {
      const state = options.awareness.getLocalState()
      if (state !== null) options.awareness.setLocalState(state)
    })
    this.timers = [
      // A peer joining a room past a full mesh may find every peer full; see `checkMembership`.
      setInterval(() => {
        if (this.tree.treeLinks.size > 0) this.repair.tick()
      }, REPAIR_INTERVAL_MS),
      setInterval(this.checkMembership, LONELY_ANNOUNCE_MS),
    ]
    options.doc.on('afterTransaction', this.afterTransaction)
  }

  /**
   * Where an update goes (see `TreeRelay`, `AwarenessThrottle`); `from` null: this browser's own.
   * With a document update from a peer, its author (see `authorOf`) roots the tree it takes.
   */
  readonly relayTargets = (from: string | null, clients: number[] | null, update?: Uint8Array): RelayTargets => {
    if (this.destroyed) return 'all'
    if (clients !== null && !this.throttle.allow(from, clients)) return NOBODY
    if (this.options.relayRule?.() === 'flood') return 'all'
    this.tree.refresh()
    return this.tree.targets(from, from !== null && update !== undefined && this.tree.treeLinks.size > 0 ? this.authorOf(update) : null)
  }

  /**
   * The peer id of whoever wrote `update`: its one Yjs client, by the presence state of that
   * client id; null for an update of several clients, or a client nobody's presence names.
   * Presence is not signed, so a false answer only picks another tree, which reaches everyone too.
   */
  private authorOf(update: Uint8Array): string | null {
    let clients: Map<number, number>
    try {
      clients = Y.parseUpdateMeta(update).from
    } catch {
      return null
    }
    if (clients.size !== 1) return null
    const [client] = clients.keys()
    const peerId = (this.options.awareness.getStates().get(client as number) as { peerId?: unknown } | undefined)?.peerId
    return typeof peerId === 'string' ? peerId : null
  }

  /** The Announcer's `accept` (see `acceptAnnounce`); `links` comes from the network. */
  readonly acceptAnnounce = (links: unknown, conns: number): boolean =>
    acceptAnnounce({
      conns,
      maxConns: this.options.maxConns(),
      roomSize: this.roomSize(),
      announcerLinks: typeof links === 'number' && Number.isSafeInteger(links) ? links : undefined,
      random: Math.random(),
    })

  /**
   * The room's size as far as this peer can tell: the signaling server's count of subscribers
   * (which no member can forge), or while there is none, the presence states (capped per link by
   * the message layer).
   */
  private roomSize(): number {
    return this.options.signalingClients() ?? this.options.awareness.getStates().size
  }

  /**
   * A lonely peer announces itself again. A group of peers that all found the rest full
   * links among itself and is nobody's lonely newcomer: an island. Its members see it as the
   * signaling server counting more subscribers than awareness shows people (twice in a row, as a
   * newcomer's state takes a moment); they then announce themselves as lonely (0 links), which
   * peers of the other part answer past `maxConns` (see `acceptAnnounce`).
   */
  private readonly checkMembership = (): void => {
    const self = this.options.self()
    if (self === null) return
    const clients = this.options.signalingClients() ?? 0
    this.unseenChecks = clients > this.options.awareness.getStates().size ? this.unseenChecks + 1 : 0
    if (self.links.length < LONELY_LINKS) this.options.announce()
    else if (this.unseenChecks >= 2) {
      this.unseenChecks = 0
      this.options.announce(0)
    }
  }

  /** Whether updates travel along the tree now (the mesh is not known to be full). */
  get relaysThroughTree(): boolean {
    return this.tree.treeLinks.size > 0
  }

  /** Re-derives the tree; call it whenever links or awareness states change. */
  refresh(): void {
    if (!this.destroyed) this.tree.refresh()
  }

  private readonly afterTransaction = (transaction: Y.Transaction): void => {
    const sender = this.options.senderOf(transaction.origin)
    if (sender !== null && this.tree.treeLinks.size > 0) this.repair.afterUpdateFrom(sender)
  }

  /** Idempotent: stops the timers and listeners. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const timer of this.timers) clearInterval(timer)
    this.throttle.destroy()
    this.options.doc.off('afterTransaction', this.afterTransaction)
  }
}
