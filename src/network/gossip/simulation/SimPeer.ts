import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import * as syncProtocol from 'y-protocols/sync'
import { MeshRelay } from './MeshRelay'
import { MESSAGE } from '../../messages/wireMessages'
import { GossipRepair } from '../GossipRepair'
import { TreeRelay, type RelayTargets } from '../TreeRelay'

/**
 * Which forwarding rule a simulated peer runs: `tree`, what Meshpad runs (`TreeRelay` with
 * `GossipRepair`, each update along the tree rooted at its author); and baselines to compare it
 * with: `flood`, stock y-webrtc (every update to every link, the sender included); `mesh`,
 * `MeshRelay` (a flood while the mesh is not known to be full); `sharedTree`, `TreeRelay` with
 * one shared tree for every update; `hopTree`, `TreeRelay` with author trees that do not weigh
 * links (no round-trip time classes published: breadth-first, fewest hops). Only `tree` peers
 * publish and read round-trip time classes.
 */
export type RelayPolicy = 'flood' | 'mesh' | 'sharedTree' | 'hopTree' | 'tree'

/** What a simulated peer needs from the network it lives in. */
export interface SimHost {
  readonly now: () => number
  readonly random: () => number
  /** Queues `bytes` from `from` to `to` over their link; `hops` travels with it (not on the wire). */
  send(from: SimPeer, to: string, bytes: Uint8Array, hops: number): void
  /** The awareness states `peer` sees now: `{peerId, links}` of the others, as of some lag. */
  states(peer: SimPeer): Iterable<unknown>
  /** Called when `peer`'s copy gained content from `from` (null: local), after `hops` hops. */
  delivered(peer: SimPeer, hops: number): void
  /** The peer whose document has Yjs client id `client` (what presence tells a real peer). */
  peerOfClient(client: number): string | null
  /** The round-trip time of the link `a`–`b` as a peer would publish it (see `MeshPresence.linkMs`). */
  linkMs(a: string, b: string): number
}

/** The transaction origin of an update applied from a peer (y-webrtc uses its room). */
class FromPeer {
  constructor(
    readonly peerId: string,
    readonly hops: number,
  ) {}
}

/** A link of a simulated peer: `up` once its data channel would be open. */
export interface SimLink {
  up: boolean
}

/**
 * A simulated room member: a real Y.Doc, the messages the message layer sends for it (Yjs sync
 * messages with their type byte, so byte counts are the real ones of an unsigned room) and the real relay
 * decision code of the chosen {@link RelayPolicy}. The network decides links and delivery.
 */
export class SimPeer {
  readonly doc = new Y.Doc()
  readonly links = new Map<string, SimLink>()
  /** `[time, sorted live links]`, oldest first: what this peer's awareness said when. */
  readonly published: [number, string[]][] = []
  private readonly mesh: MeshRelay
  private readonly tree: TreeRelay
  readonly repair: GossipRepair

  constructor(
    readonly id: string,
    readonly maxConns: number,
    readonly policy: RelayPolicy,
    private readonly host: SimHost,
  ) {
    const weighs = policy === 'tree'
    const self = (): { peerId: string; links: string[]; linkMs?: number[] } => {
      const links = this.upLinks()
      return weighs ? { peerId: id, links, linkMs: links.map((peer) => host.linkMs(id, peer)) } : { peerId: id, links }
    }
    const states = (): Iterable<unknown> => (weighs ? host.states(this) : [...host.states(this)].map((state) => ({ ...(state as object), linkMs: undefined })))
    this.mesh = new MeshRelay({ self, states, resync: () => this.resync(this.upLinks()) })
    this.tree = new TreeRelay({ self, states, resync: (peers) => this.resync(peers) })
    this.repair = new GossipRepair({ doc: this.doc, links: () => this.upLinks(), resync: (peers) => this.resync(peers), random: host.random })
    // Yjs draws client ids from Math.random; the simulation must be the same for a seed.
    this.doc.clientID = Math.floor(host.random() * 2 ** 32) >>> 0
    this.doc.on('update', this.onUpdate)
    this.publish()
  }

  /** Live links, sorted (as `RoomNetwork` publishes them). */
  upLinks(): string[] {
    return [...this.links].filter(([, link]) => link.up).map(([peer]) => peer).sort()
  }

  /** Records the current links as this peer's awareness state, if they changed. */
  publish(): void {
    const links = this.upLinks()
    const last = this.published.at(-1)
    if (last === undefined || last[1].join() !== links.join()) this.published.push([this.host.now(), links])
  }

  /** Which direct peers `update` goes to. */
  targets(from: string | null, update: Uint8Array): RelayTargets {
    switch (this.policy) {
      case 'flood':
        return 'all'
      case 'mesh':
        return from === null || this.mesh.shouldRelay() ? 'all' : new Set()
      case 'sharedTree':
        this.tree.refresh()
        return this.tree.targets(from)
      case 'hopTree':
      case 'tree': {
        this.tree.refresh()
        const clients = Y.parseUpdateMeta(update).from
        const author = clients.size === 1 ? this.host.peerOfClient(clients.keys().next().value as number) : null
        return this.tree.targets(from, author)
      }
    }
  }

  private get treePolicy(): boolean {
    return this.policy === 'tree' || this.policy === 'hopTree' || this.policy === 'sharedTree'
  }

  /** Whether a repair round is due here: as `RoomGossip`, only off a full mesh. */
  get repairs(): boolean {
    return this.treePolicy && this.tree.treeLinks.size > 0
  }

  /** Re-derives the relay decision (y-webrtc peers do on every awareness or link change). */
  refresh(): void {
    if (this.policy === 'mesh') this.mesh.refresh()
    if (this.treePolicy) this.tree.refresh()
  }

  /** A link came up: y-webrtc sends sync step 1 on `connect`. */
  linkUp(peerId: string): void {
    const link = this.links.get(peerId)
    if (link === undefined) return
    link.up = true
    this.publish()
    this.sendTo(peerId, syncStep1(this.doc), 1)
    this.refresh()
  }

  /** The link closed (the peer left or the link failed). */
  linkDown(peerId: string): void {
    this.links.delete(peerId)
    this.publish()
    this.refresh()
  }

  /** The author types: one local transaction. */
  edit(index: number, text: string): void {
    const ytext = this.doc.getText('content')
    ytext.insert(Math.min(index, ytext.length), text)
  }

  /** A message from a linked peer arrived. */
  receive(from: string, bytes: Uint8Array, hops: number): void {
    if (this.links.get(from)?.up !== true) return
    const decoder = decoding.createDecoder(bytes)
    if (decoding.readVarUint(decoder) !== MESSAGE.sync) return
    const reply = encoding.createEncoder()
    encoding.writeVarUint(reply, MESSAGE.sync)
    const type = syncProtocol.readSyncMessage(decoder, reply, this.doc, new FromPeer(from, hops))
    if (type === syncProtocol.messageYjsSyncStep1) this.sendTo(from, encoding.toUint8Array(reply), 1)
    else if (this.treePolicy) this.repair.afterUpdateFrom(from)
  }

  private resync(peerIds: readonly string[]): void {
    const message = syncStep1(this.doc)
    for (const peer of peerIds) if (this.links.get(peer)?.up === true) this.sendTo(peer, message, 1)
  }

  private sendTo(peerId: string, bytes: Uint8Array, hops: number): void {
    this.host.send(this, peerId, bytes, hops)
  }

  /** Patched y-webrtc's `_docUpdateHandler`: local updates and new content from peers go out. */
  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    const from = origin instanceof FromPeer ? origin : null
    this.host.delivered(this, from?.hops ?? 0)
    const targets = this.targets(from?.peerId ?? null, update)
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, MESSAGE.sync)
    syncProtocol.writeUpdate(encoder, update)
    const message = encoding.toUint8Array(encoder)
    for (const peer of targets === 'all' ? this.links.keys() : targets) {
      if (this.links.get(peer)?.up === true) this.sendTo(peer, message, (from?.hops ?? 0) + 1)
    }
  }

  /** Stops listening (idempotent). */
  destroy(): void {
    this.doc.off('update', this.onUpdate)
    this.doc.destroy()
  }
}

function syncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE.sync)
  syncProtocol.writeSyncStep1(encoder, doc)
  return encoding.toUint8Array(encoder)
}
