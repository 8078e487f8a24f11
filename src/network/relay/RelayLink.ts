import type { ChannelSender } from '../chunkingRtc'
import { ChunkAssembler, isFrame, splitMessage } from '../messageChunks'
import { LinkBudgetError, MAX_SEND_QUEUE_BYTES } from '../messages/linkBudget'
import type { LinkTransport, TransportOwner } from '../messages/MessageLayer'
import { LINK_FRAME, type LinkFrame } from './relayWire'

/** Largest message-layer frame in one relay frame (its base64 stays well under the server's limit). */
export const RELAY_FRAME_PAYLOAD = 16 * 1024

/** What a relay link needs of its room's relay. */
export interface RelayLinkHost {
  /** Queues a link frame for sending, in order. */
  enqueue(link: RelayLink, kind: number, payload: Uint8Array): void
  /** The link ended (closed by either side, or its owner let go). */
  removed(link: RelayLink): void
}

/**
 * One peer reached through the server's relay: the pair's key, the sequence numbers in both
 * directions, and the message layer's transport over it (messages split into frames as on a data
 * channel, joined again on arrival). It is up from the moment both ends have the pair key: the
 * hello that made it is the only handshake. It holds no timers; its room's relay drives it.
 */
export class RelayLink {
  private sendSeq = 0
  private receiveSeq = 0
  private owner: TransportOwner | null = null
  private readonly assembler: ChunkAssembler
  /** Bytes given to the relay and not yet sent. */
  queuedBytes = 0
  lastHeard: number
  lastSent: number
  private ended = false

  constructor(
    readonly peerId: string,
    readonly key: CryptoKey,
    private readonly host: RelayLinkHost,
    now: number,
  ) {
    this.lastHeard = now
    this.lastSent = now
    this.assembler = new ChunkAssembler((reason) => this.owner?.violation(reason))
  }

  get closed(): boolean {
    return this.ended
  }

  /** The next sequence number to send. */
  nextSeq(): number {
    return this.sendSeq++
  }

  /** The message layer's transport over this link; the owner reads it until released. */
  transport(owner: TransportOwner): LinkTransport {
    this.owner = owner
    const queued = (): number => this.queuedBytes
    const ended = (): boolean => this.ended
    const sender: ChannelSender = {
      send: (data) => {
        if (this.ended) throw new Error('the relay link is closed')
        if (this.queuedBytes + data.byteLength > MAX_SEND_QUEUE_BYTES) throw new LinkBudgetError('send queue')
        for (const frame of splitMessage(data, RELAY_FRAME_PAYLOAD)) {
          this.queuedBytes += frame.byteLength
          this.host.enqueue(this, LINK_FRAME.data, frame)
        }
      },
      get queuedBytes() {
        return queued()
      },
    }
    return {
      path: 'server',
      sender,
      get up() {
        return !ended()
      },
      close: () => this.close(true),
      release: () => {
        if (this.owner === owner) this.owner = null
        // A link no layer reads is of no use: a direct path took its place, or the room closed.
        this.close(false)
      },
    }
  }

  /** A link frame from the peer (hostile input), in the order the relay delivered it. */
  receive(frame: LinkFrame, now: number): void {
    if (this.ended) return
    // A replayed frame is dropped; a gap means frames were lost (the relay refused some): the link
    // cannot be trusted to carry whole messages any more, and ends.
    if (frame.seq < this.receiveSeq) return
    if (frame.seq > this.receiveSeq) return this.end('frames were lost on the relay')
    this.receiveSeq++
    this.lastHeard = now
    switch (frame.kind) {
      case LINK_FRAME.data: {
        const message = isFrame(frame.payload) ? this.assembler.push(frame.payload) : frame.payload
        if (message !== null) this.owner?.receive(message)
        return
      }
      case LINK_FRAME.ping:
        return
      case LINK_FRAME.bye:
        return this.end(null)
      default:
        return
    }
  }

  /** Ends the link; with `sayBye`, the peer is told (it ends its side at once). Idempotent. */
  close(sayBye: boolean): void {
    if (this.ended) return
    if (sayBye) this.host.enqueue(this, LINK_FRAME.bye, new Uint8Array(0))
    this.end(null)
  }

  private end(violation: string | null): void {
    if (this.ended) return
    this.ended = true
    const owner = this.owner
    this.owner = null
    if (violation !== null) owner?.violation(violation)
    owner?.down()
    this.host.removed(this)
  }
}
