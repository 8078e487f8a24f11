import * as decoding from 'lib0/decoding'
import type { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { ownPeerConnection, type ChannelOwner, type ChannelSender } from '../chunkingRtc'
import type { RelayTargets } from '../gossip/TreeRelay'
import { isLinkUp, type WebrtcConn } from '../PeerLinks'
import type { SignedDocSync } from '../signed/SignedDocSync'
import { AnswerCredit } from './AnswerCredit'
import { CoalescedAnswer } from './CoalescedAnswer'
import { ANSWER_INTERVAL_MS, LinkBudgetError, SNAPSHOT_INTERVAL_MS } from './linkBudget'
import { StateAnswers, type StateAnswer } from './StateAnswers'
import { LinkOrigin, PresenceGate } from './PresenceGate'
import { MESSAGE, presenceMessage, SIGNED_SNAPSHOT, SIGNED_STATE, SYNC, syncMessage } from './wireMessages'

export interface MessageLayerOptions {
  readonly doc: Y.Doc
  readonly awareness: Awareness
  /** A v2 room's document sync: the document then travels only signed, through it. Null in a v1 room. */
  readonly signed: SignedDocSync | null
  /** This peer's y-webrtc peer id, once its room is open. */
  readonly selfPeerId: () => string | null
  /**
   * Where an update from `from` (null: this browser) goes: a presence update with its `clients`,
   * or a document update (`clients` null) with the `update` itself, whose author may root the tree.
   */
  readonly relayTargets: (from: string | null, clients: number[] | null, update?: Uint8Array) => RelayTargets
  /** Whether presence travels through neighbours now (see `PresenceGateOptions.relayed`). */
  readonly relayedPresence: () => boolean
  /** A link's sync state changed, or it was closed for breaking a budget. */
  readonly onChange: () => void
  readonly warn?: (message: string) => void
}

/** How a link reaches its peer: a WebRTC data channel, or the server's relay of last resort. */
export type LinkPath = 'webrtc' | 'server'

/** What the message layer needs of a transport to one peer. */
export interface LinkTransport {
  readonly path: LinkPath
  readonly sender: ChannelSender
  /** Whether messages can be sent now. */
  readonly up: boolean
  /** Ends the transport (its peer may connect again, and starts from nothing). */
  close(): void
  /** Stops calling the owner; the transport itself stays as it is. */
  release(): void
}

/** The transport's reader: every whole message, budget violations, and its coming up and going down. */
export interface TransportOwner extends ChannelOwner {
  up(): void
  down(): void
}

interface Link {
  readonly id: string
  /** The object the transport was made from (y-webrtc's connection, or a relay link): attached once. */
  readonly source: object
  readonly transport: LinkTransport
  readonly sender: ChannelSender
  /** v1: the peer's sync step 2 (everything it had that this copy lacked) arrived. */
  synced: boolean
  readonly credit: AnswerCredit
  /** v1: a state vector to answer; v2: a signed sync `state` message. */
  readonly stateAnswer: CoalescedAnswer<Uint8Array>
  /** v2: a signed sync `snapshot` request. */
  readonly snapshotAnswer: CoalescedAnswer<Uint8Array>
  readonly presenceAnswer: CoalescedAnswer<null>
  readonly detach: () => void
}

/** The origin of a change applied from link `peerId`, or null for one made in this browser (or its tabs). */
export function linkOf(origin: unknown): string | null {
  return origin instanceof LinkOrigin ? origin.peerId : null
}

/**
 * The one reader and writer of a room's data channels (see `wireMessages` for every message type,
 * who may send it and what it may cost). y-webrtc makes the connections; once a connection is
 * attached, every byte its peer sends comes here, and everything this peer sends on it leaves from
 * here: the document's sync (unsigned in v1 rooms; through `SignedDocSync` in v2 rooms), presence,
 * and answers, each bounded per link (see `linkBudget`). A link that breaks a budget is closed.
 *
 * It is responsible for its doc and awareness listeners and for every link's listeners, owner
 * registration and timers, and removes them when the link closes or on `destroy()`.
 */
export class MessageLayer {
  private readonly links = new Map<string, Link>()
  /** Connections not up yet when attached, and the listener that attaches each once it is. */
  private readonly whenUp = new Map<WebrtcConn, () => void>()
  private readonly presence: PresenceGate
  private readonly counts = new Map<string, number>()
  /** Presence changes of this browser held while its own edit is being signed (see `releaseHeld`). */
  private readonly heldClients = new Set<number>()
  /** v1: what this peer answers state vectors with (in a v2 room, the signed sync's writer answers). */
  private readonly answers: StateAnswers<Uint8Array> | null
  private destroyed = false

  constructor(private readonly options: MessageLayerOptions) {
    this.presence = new PresenceGate({
      awareness: options.awareness,
      selfPeerId: options.selfPeerId,
      isLink: (peerId) => this.links.has(peerId),
      relayed: options.relayedPresence,
      onDropped: (why) => this.count(why),
    })
    // A sync step 2 adds its type, its kind and the update's length (a varuint) to the update.
    this.answers = options.signed ? null : new StateAnswers(options.doc, { wrap: (update) => syncMessage(SYNC.step2, update), overhead: 7, skipEmpty: false })
    options.doc.on('update', this.handleDocUpdate)
    options.awareness.on('update', this.handlePresence)
  }

  /** Messages dropped and links closed, by reason (what other peers sent that was not taken). */
  get dropped(): ReadonlyMap<string, number> {
    return this.counts
  }

  /** Takes over `conn`, y-webrtc's connection to `peerId`; once per connection. It replaces any other link to `peerId`. */
  attach(peerId: string, conn: WebrtcConn): void {
    const pc = conn.peer._pc
    if (conn.closed || !pc) return
    // A working link through the server's relay gives way only to a connection that is up (an
    // attempt may fail; its messages wait for their owner, see `ownPeerConnection`), and a
    // connection that comes up takes the relay's place, even one the relay replaced meanwhile.
    if (!conn.connected && !this.whenUp.has(conn)) {
      for (const [other, listener] of this.whenUp) {
        if (!other.closed) continue
        other.peer.removeListener('connect', listener)
        this.whenUp.delete(other)
      }
      const whenUp = (): void => {
        conn.peer.removeListener('connect', whenUp)
        this.whenUp.delete(conn)
        const link = this.links.get(peerId)
        if (link === undefined || link.transport.path === 'server') this.attach(peerId, conn)
      }
      this.whenUp.set(conn, whenUp)
      conn.peer.on('connect', whenUp)
    }
    if (!conn.connected) {
      const current = this.links.get(peerId)?.transport
      if (current?.path === 'server' && current.up) return
    }
    this.attachTransport(peerId, conn, (owner) => {
      const owned = ownPeerConnection(pc, owner)
      conn.peer.on('connect', owner.up)
      conn.peer.on('close', owner.down)
      return {
        path: 'webrtc',
        sender: owned.sender,
        get up() {
          return conn.connected
        },
        close: () => conn.peer.destroy?.(),
        release: () => {
          owned.release()
          conn.peer.removeListener('connect', owner.up)
          conn.peer.removeListener('close', owner.down)
        },
      }
    })
  }

  /**
   * Takes over a transport to `peerId` made from `source` (once per source), replacing any other
   * link to `peerId`: `open` makes the transport with this layer as its one reader.
   */
  attachTransport(peerId: string, source: object, open: (owner: TransportOwner) => LinkTransport): void {
    if (this.destroyed || this.links.get(peerId)?.source === source) return
    this.links.get(peerId)?.detach()
    const { signed } = this.options
    const transport = open({
      receive: (data) => this.read(link, data),
      violation: (reason) => this.close(link, reason),
      up: () => this.start(link),
      down: () => link.detach(),
    })
    const link: Link = {
      id: peerId,
      source,
      transport,
      sender: transport.sender,
      synced: false,
      credit: new AnswerCredit(),
      stateAnswer: new CoalescedAnswer(ANSWER_INTERVAL_MS, (request) => (signed ? this.answerSigned(link, request) : this.answerState(link, request))),
      snapshotAnswer: new CoalescedAnswer(SNAPSHOT_INTERVAL_MS, (request) => this.answerSigned(link, request)),
      presenceAnswer: new CoalescedAnswer(ANSWER_INTERVAL_MS, () => this.sendPresence(link, true)),
      detach: () => {
        if (this.links.get(peerId) !== link) return
        this.links.delete(peerId)
        transport.release()
        link.stateAnswer.destroy()
        link.snapshotAnswer.destroy()
        link.presenceAnswer.destroy()
        signed?.removeLink(peerId, send)
        this.presence.release(peerId)
        this.options.onChange()
      },
    }
    const send = (data: Uint8Array): void => this.send(link, data)
    this.links.set(peerId, link)
    signed?.addLink(peerId, send)
    if (transport.up) this.start(link)
  }

  /** The path of the link to `peerId`, if there is one. */
  pathOf(peerId: string): LinkPath | undefined {
    return this.links.get(peerId)?.transport.path
  }

  /** Peers linked through the server's relay whose link is up. */
  relayedPeers(): string[] {
    return [...this.links.values()].filter((link) => link.transport.path === 'server' && link.transport.up).map((link) => link.id)
  }

  /** A link came up: each side says what it has (its state vector) and who is here. */
  private start(link: Link): void {
    this.hello(link)
    this.sendPresence(link)
  }

  /** Sends this copy's state vector on `link`: the peer answers with what this copy lacks. */
  private hello(link: Link): void {
    if (this.options.signed) this.options.signed.hello(link.id)
    else this.send(link, syncMessage(SYNC.step1, Y.encodeStateVector(this.options.doc)))
  }

  /** Sends every presence state this page knows; as an answer, only within the link's credit. */
  private sendPresence(link: Link, answer = false): boolean {
    const { awareness } = this.options
    const clients = [...awareness.getStates().keys()]
    if (clients.length === 0) return true
    const message = presenceMessage(awareness, clients)
    if (answer && !link.credit.spend(message.byteLength)) return false
    this.send(link, message)
    return true
  }

  /** The one reader: every message from every link. */
  private read(link: Link, data: Uint8Array): void {
    if (this.destroyed || this.links.get(link.id) !== link) return
    link.credit.earn(data.byteLength)
    try {
      switch (data[0]) {
        case MESSAGE.sync:
          if (this.options.signed) return this.count('unsigned document traffic in a signed room')
          return this.readSync(link, data)
        case MESSAGE.awareness:
          return this.presence.receive(link.id, decoding.readVarUint8Array(decoding.createDecoder(data.subarray(1))))
        case MESSAGE.queryAwareness:
          return link.presenceAnswer.request(null)
        case MESSAGE.signedSync:
          if (!this.options.signed) return this.count('signed sync in an unsigned room')
          // `state` and `snapshot` each cost a pass over the whole document: coalesced, within credit.
          if (data[1] === SIGNED_STATE) return link.stateAnswer.request(data)
          if (data[1] === SIGNED_SNAPSHOT) return link.snapshotAnswer.request(data)
          return void this.options.signed.receive(link.id, data)
        default:
          return this.count('a message of no type this peer reads')
      }
    } catch {
      this.count('a malformed message')
    }
  }

  private readSync(link: Link, data: Uint8Array): void {
    const decoder = decoding.createDecoder(data)
    decoding.readVarUint(decoder)
    const kind = decoding.readVarUint(decoder)
    const payload = decoding.readVarUint8Array(decoder)
    if (kind === SYNC.step1) return link.stateAnswer.request(payload)
    if (kind !== SYNC.step2 && kind !== SYNC.update) return this.count('a malformed message')
    Y.applyUpdate(this.options.doc, payload, new LinkOrigin(link.id))
    if (kind === SYNC.step2 && !link.synced) {
      link.synced = true
      this.options.onChange()
    }
  }

  private answerState(link: Link, stateVector: Uint8Array): boolean {
    let answer: StateAnswer<Uint8Array>
    try {
      answer = (this.answers as StateAnswers<Uint8Array>).answer(stateVector)
    } catch {
      return this.malformed('a malformed state vector')
    }
    if (!link.credit.spend(answer.bytes)) return false
    for (const message of answer.messages()) this.send(link, message)
    return true
  }

  /** Hands a signed sync `state` or `snapshot` request to the signed sync once the link's credit covers its answer. */
  private answerSigned(link: Link, request: Uint8Array): boolean {
    const signed = this.options.signed
    if (signed === null || this.links.get(link.id) !== link) return true
    const size = signed.answerSize(request)
    if (size === null) return this.malformed('a malformed message')
    if (!link.credit.spend(size)) return false
    signed.receive(link.id, request)
    return true
  }

  /** Counts a request that will never be answered; it is done with. */
  private malformed(why: string): true {
    this.count(why)
    return true
  }

  private readonly handleDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (this.options.signed || this.destroyed) return
    let message: Uint8Array | null = null
    const wrapped = (): Uint8Array => (message ??= syncMessage(SYNC.update, update))
    this.answers?.applied(wrapped, update)
    this.relay(linkOf(origin), null, wrapped, update)
  }

  private readonly handlePresence = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (this.destroyed) return
    const clients = [...added, ...updated, ...removed]
    const from = linkOf(origin)
    // The typist's cursor moves with the edit; sent before the signed edit, a receiver would
    // render the cursor first. It waits until the edit is sent.
    if (from === null && this.options.signed?.signingOwn === true) {
      for (const client of clients) this.heldClients.add(client)
      return
    }
    this.relay(from, clients, () => presenceMessage(this.options.awareness, clients))
  }

  /** Sends the presence held while this peer's own edit was being signed. */
  releaseHeld(): void {
    if (this.heldClients.size === 0 || this.destroyed) return
    const clients = [...this.heldClients]
    this.heldClients.clear()
    this.relay(null, clients, () => presenceMessage(this.options.awareness, clients))
  }

  private relay(from: string | null, clients: number[] | null, message: () => Uint8Array, update?: Uint8Array): void {
    if (this.links.size === 0) return
    const targets = this.options.relayTargets(from, clients, update)
    let data: Uint8Array | null = null
    for (const link of this.links.values()) {
      if (link.id === from || !link.transport.up || (targets !== 'all' && !targets.has(link.id))) continue
      data ??= message()
      this.send(link, data)
    }
  }

  private send(link: Link, data: Uint8Array): void {
    try {
      link.sender.send(data)
    } catch (error) {
      // Other errors are a channel closing right now; its peer syncs again when it reconnects.
      if (error instanceof LinkBudgetError) this.close(link, error.message)
    }
  }

  /** Closes a link that broke a budget; its peer may connect again, and starts from nothing. */
  private close(link: Link, reason: string): void {
    this.count(`link closed: ${reason}`)
    this.options.warn?.(`[meshpad] closed the link to a peer: ${reason}`)
    link.detach()
    link.transport.close()
  }

  private count(why: string): void {
    this.counts.set(why, (this.counts.get(why) ?? 0) + 1)
  }

  /** Whether the peer on `peerId` sent what this copy lacked when the link opened. */
  isSynced(peerId: string): boolean {
    return this.options.signed ? this.options.signed.isSynced(peerId) : this.links.get(peerId)?.synced === true
  }

  /** Of `conns` (y-webrtc's, by peer id), how many are up and synced. */
  syncedAmong(conns: ReadonlyMap<string, WebrtcConn>): number {
    return [...conns].filter(([peerId, conn]) => isLinkUp(conn) && this.isSynced(peerId)).length
  }

  /** Asks these direct peers (default: all) for what this copy lacks. */
  resync(peerIds?: readonly string[]): void {
    for (const link of this.links.values()) if (link.transport.up && (peerIds?.includes(link.id) ?? true)) this.hello(link)
  }

  /** Idempotent: lets go of every link (y-webrtc closes the connections) and stops listening. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.options.doc.off('update', this.handleDocUpdate)
    this.options.awareness.off('update', this.handlePresence)
    this.answers?.destroy()
    for (const link of [...this.links.values()]) link.detach()
    // A connection that never came up keeps no listener of this layer.
    for (const [conn, whenUp] of this.whenUp) conn.peer.removeListener('connect', whenUp)
    this.whenUp.clear()
  }
}
