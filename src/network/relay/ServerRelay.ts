import { RELAY_REFUSALS, type RelayRefusal } from '../../../signaling/protocol'
import { RelayLink, type RelayLinkHost } from './RelayLink'
import {
  ENVELOPE,
  LINK_FRAME,
  createRelayIdentity,
  decodeEnvelope,
  decodeHello,
  decodeLinkFrame,
  encodeEnvelope,
  encodeHello,
  encodeLinkFrame,
  fromBase64,
  open,
  pairKey,
  seal,
  toBase64,
  type Envelope,
} from './relayWire'

/** What of y-webrtc's signaling connection (a lib0 WebsocketClient) the relay uses. */
export interface RelaySignalingConn {
  readonly connected: boolean
  send(message: object): void
  on(event: 'message', listener: (message: Record<string, unknown>) => void): void
  off(event: 'message', listener: (message: Record<string, unknown>) => void): void
}

export interface ServerRelayOptions {
  readonly topic: string
  /** The room's signaling key (y-webrtc's); the relay stays silent until it resolves to a key. */
  readonly key: PromiseLike<CryptoKey | null>
  readonly signalingConns: readonly RelaySignalingConn[]
  /** This page's y-webrtc peer id, once its room is open. */
  readonly selfPeerId: () => string | null
  /** Whether this page looks for peers through the relay now (it says hello to the room). */
  readonly wanted: () => boolean
  /**
   * Whether to take up a hello from `peerId`, which has `links` direct links; `answer`: it answers
   * a hello of this page's.
   */
  readonly accept: (peerId: string, links: number, answer: boolean) => boolean
  /** This page's direct link count, told in its hellos. */
  readonly links: () => number
  /** A new link to `peerId`: the owner makes it a message-layer link. */
  readonly attach: (peerId: string, link: RelayLink) => void
  /** The relay's links or its refusal changed. */
  readonly onChange: () => void
  readonly now?: () => number
}

/** How often a page that wants the relay says hello at first; it doubles up to {@link HELLO_MAX_MS} while nobody new answers. */
export const HELLO_MS = 2_000
export const HELLO_MAX_MS = 30_000
/**
 * Relay links one room keeps at most: anyone with the room key can say hello under made-up peer
 * ids, and each link is a message-layer link with its own budgets.
 */
export const MAX_LINKS = 16
/** A link frame is sent at least this often (a ping when nothing else goes). */
export const PING_MS = 10_000
/** A link over which nothing arrived for this long is ended (its peer left without a bye). */
export const IDLE_MS = 35_000
/**
 * Bytes of relay frames this page sends per second (base64, as the server counts them), and at
 * once: below the server's default per-connection budget (signaling/serverOptions.ts), so an
 * honest page is never refused.
 */
export const SEND_BYTES_PER_SECOND = 192 * 1024
const SEND_BURST_BYTES = 512 * 1024
/** Envelope, IVs and tags around a frame's payload, before base64. */
const FRAME_OVERHEAD = 160

interface Outgoing {
  readonly link: RelayLink
  readonly kind: number
  readonly payload: Uint8Array
}

/**
 * The relay of last resort for one room: when no WebRTC path joins this page and another, their
 * message-layer links go through the signaling server on the room's topic (`relay` frames,
 * signaling/protocol.ts), end-to-end encrypted (see `relayWire`): the server sees ciphertext and
 * sizes, as it sees signaling. Direct paths are preferred: the owner attaches a WebRTC connection
 * over a relay link as soon as one is up, which ends it.
 *
 * It is responsible for its listeners on the signaling connections, its timer, its links and their
 * send queue; `destroy()` (idempotent) ends every link with a bye and removes everything.
 */
export class ServerRelay implements RelayLinkHost {
  private readonly links = new Map<string, RelayLink>()
  private readonly outbox: Outgoing[] = []
  private identity: Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> | null = null
  private roomKey: CryptoKey | null = null
  /** Every received frame is read in this chain, in arrival order. */
  private reading: Promise<void> = Promise.resolve()
  private pumping = false
  private tokens = SEND_BURST_BYTES
  private tokensAt: number
  private helloEvery = HELLO_MS
  private nextHelloAt = 0
  private timer: ReturnType<typeof setInterval> | null = null
  private pumpTimer: ReturnType<typeof setTimeout> | null = null
  private refusal: RelayRefusal | null = null
  private readonly counts = new Map<string, number>()
  private destroyed = false

  constructor(private readonly options: ServerRelayOptions) {
    this.tokensAt = this.now()
    for (const conn of options.signalingConns) conn.on('message', this.handleMessage)
    void Promise.resolve(options.key).then((key) => {
      if (this.destroyed || key === null) return
      this.roomKey = key
      this.timer = setInterval(this.tick, 1000)
      this.tick()
    })
  }

  private now(): number {
    return (this.options.now ?? (() => performance.now()))()
  }

  /** Why the server last refused to relay for this page (`off`: the operator turned it off), or null. */
  get refused(): RelayRefusal | null {
    return this.refusal
  }

  /** Peer ids this page reaches through the relay now. */
  peers(): string[] {
    return [...this.links.keys()]
  }

  /** Frames from others that were not taken, by reason (hostile or broken input). */
  get dropped(): ReadonlyMap<string, number> {
    return this.counts
  }

  private readonly tick = (): void => {
    if (this.destroyed) return
    const now = this.now()
    for (const link of [...this.links.values()]) {
      if (now - link.lastHeard > IDLE_MS) link.close(false)
      else if (now - link.lastSent > PING_MS) this.enqueue(link, LINK_FRAME.ping, new Uint8Array(0))
    }
    if (this.refusal === 'off' || !this.options.wanted()) {
      this.helloEvery = HELLO_MS
      this.nextHelloAt = 0
      return
    }
    if (now < this.nextHelloAt) return
    this.nextHelloAt = now + this.helloEvery
    this.helloEvery = Math.min(HELLO_MAX_MS, this.helloEvery * 2)
    void this.sendHello('')
  }

  private async sendHello(to: string): Promise<void> {
    const self = this.options.selfPeerId()
    if (self === null) return
    const { publicKey } = await this.ownIdentity()
    await this.post({ from: self, to, kind: ENVELOPE.hello, body: encodeHello(publicKey, this.options.links()) })
  }

  private ownIdentity(): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
    this.identity ??= createRelayIdentity()
    return this.identity
  }

  /** Encrypts an envelope under the room key and sends it on a connected signaling connection. */
  private async post(envelope: Envelope, evenDestroyed = false): Promise<boolean> {
    const key = this.roomKey
    if (key === null || (this.destroyed && !evenDestroyed)) return false
    const data = toBase64(await seal(key, encodeEnvelope(envelope)))
    const conn = this.options.signalingConns.find((candidate) => candidate.connected)
    if (conn === undefined || (this.destroyed && !evenDestroyed)) return false
    conn.send({ type: 'relay', topic: this.options.topic, data })
    return true
  }

  private readonly handleMessage = (message: Record<string, unknown>): void => {
    if (this.destroyed || message.topic !== this.options.topic) return
    if (message.type === 'relay-refused') return this.readRefusal(message.reason)
    if (message.type !== 'relay' || typeof message.data !== 'string') return
    const data = message.data
    this.reading = this.reading.then(() => this.read(data)).catch(() => this.count('a frame that could not be read'))
  }

  private readRefusal(reason: unknown): void {
    if (!RELAY_REFUSALS.includes(reason as RelayRefusal)) return
    this.refusal = reason as RelayRefusal
    // Frames were lost: every link's sequence has a gap now (or the relay is off).
    for (const link of [...this.links.values()]) link.close(false)
    this.options.onChange()
  }

  private async read(data: string): Promise<void> {
    const key = this.roomKey
    const self = this.options.selfPeerId()
    if (key === null || self === null || this.destroyed) return
    const sealed = fromBase64(data)
    const plaintext = sealed && (await open(key, sealed))
    const envelope = plaintext && decodeEnvelope(plaintext)
    if (!envelope) return this.count('a frame not sealed with the room key')
    if (envelope.from === self || (envelope.to !== '' && envelope.to !== self)) return
    if (envelope.kind === ENVELOPE.hello) return this.readHello(envelope)
    if (envelope.kind !== ENVELOPE.link) return this.count('a frame of no kind this peer reads')
    const link = this.links.get(envelope.from)
    if (link === undefined) return
    const frame = decodeLinkFrame((await open(link.key, envelope.body)) ?? new Uint8Array(0))
    // Only the pair's two ends hold its key: anything else under this peer id is someone else's.
    if (frame === null) return this.count('a link frame not sealed with the pair key')
    if (this.links.get(envelope.from) === link) link.receive(frame, this.now())
  }

  private async readHello({ from, to, body }: Envelope): Promise<void> {
    const hello = decodeHello(body)
    if (hello === null) return this.count('a malformed hello')
    // A peer already linked keeps its link: a hello under its id cannot take it over.
    if (this.links.has(from) || !this.options.accept(from, hello.links, to !== '')) return
    if (this.links.size >= MAX_LINKS) return this.count('a hello past the relay links’ limit')
    const { privateKey } = await this.ownIdentity()
    const key = await pairKey(privateKey, hello.publicKey)
    if (key === null) return this.count('a malformed hello')
    if (this.destroyed || this.links.has(from)) return
    const link = new RelayLink(from, key, this, this.now())
    this.links.set(from, link)
    // A hello to everyone is answered with one to its sender, which then makes its side of the link.
    if (to === '') await this.sendHello(from)
    if (this.links.get(from) !== link) return
    this.helloEvery = HELLO_MS
    this.options.attach(from, link)
    this.options.onChange()
  }

  enqueue(link: RelayLink, kind: number, payload: Uint8Array): void {
    if (this.destroyed) return
    link.lastSent = this.now()
    this.outbox.push({ link, kind, payload })
    void this.pump()
  }

  removed(link: RelayLink): void {
    if (this.links.get(link.peerId) !== link) return
    this.links.delete(link.peerId)
    this.options.onChange()
  }

  /** Sends the outbox in order, within this page's own byte rate. */
  private async pump(): Promise<void> {
    if (this.pumping) return
    this.pumping = true
    try {
      while (this.outbox.length > 0 && !this.destroyed) {
        const next = this.outbox[0]!
        const cost = Math.ceil(((next.payload.byteLength + FRAME_OVERHEAD) * 4) / 3)
        const wait = this.take(cost)
        if (wait > 0) {
          await new Promise<void>((resolve) => (this.pumpTimer = setTimeout(resolve, wait)))
          continue
        }
        this.outbox.shift()
        if (next.kind === LINK_FRAME.data) next.link.queuedBytes -= next.payload.byteLength
        const self = this.options.selfPeerId()
        if (self === null) continue
        const body = await seal(next.link.key, encodeLinkFrame({ seq: next.link.nextSeq(), kind: next.kind, payload: next.payload }))
        if (!(await this.post({ from: self, to: next.link.peerId, kind: ENVELOPE.link, body }))) next.link.close(false)
      }
    } finally {
      this.pumping = false
    }
  }

  /** Takes `cost` bytes from the send budget: 0 when taken, else the ms to wait for them. */
  private take(cost: number): number {
    const now = this.now()
    this.tokens = Math.min(SEND_BURST_BYTES, this.tokens + ((now - this.tokensAt) / 1000) * SEND_BYTES_PER_SECOND)
    this.tokensAt = now
    if (this.tokens >= Math.min(cost, SEND_BURST_BYTES)) {
      this.tokens -= cost
      return 0
    }
    return Math.ceil(((cost - this.tokens) / SEND_BYTES_PER_SECOND) * 1000)
  }

  private async sayBye(self: string, link: RelayLink): Promise<void> {
    const body = await seal(link.key, encodeLinkFrame({ seq: link.nextSeq(), kind: LINK_FRAME.bye, payload: new Uint8Array(0) }))
    await this.post({ from: self, to: link.peerId, kind: ENVELOPE.link, body }, true)
  }

  private count(why: string): void {
    this.counts.set(why, (this.counts.get(why) ?? 0) + 1)
  }

  /** Idempotent: says bye on every link (best effort: the page may be going), stops listening and sending. */
  destroy(): void {
    if (this.destroyed) return
    const self = this.options.selfPeerId()
    for (const link of [...this.links.values()]) {
      if (self !== null) void this.sayBye(self, link)
      link.close(false)
    }
    this.destroyed = true
    if (this.timer !== null) clearInterval(this.timer)
    if (this.pumpTimer !== null) clearTimeout(this.pumpTimer)
    this.outbox.length = 0
    for (const conn of this.options.signalingConns) conn.off('message', this.handleMessage)
  }
}
