import * as buffer from 'lib0/buffer'
import { WebrtcConn, type SignalingConn, type WebrtcProvider } from 'y-webrtc'
// @ts-expect-error -- y-webrtc exports no path but its entry; its types for this file are applied below.
import { decryptJson as untypedDecryptJson } from '../../node_modules/y-webrtc/src/crypto.js'
import { encryptAnnounce } from './encryptAnnounce'

const decryptJson: typeof import('../../node_modules/y-webrtc/dist/src/crypto').decryptJson = untypedDecryptJson

/** The first delay before announcing again after a connection closed; it doubles per close. */
export const REANNOUNCE_MIN_MS = 1_000

/** The longest delay before announcing again after connections keep closing. */
export const REANNOUNCE_MAX_MS = 60_000

/** A signaling connection as the announcer uses it (y-webrtc's `SignalingConn`, a lib0 `WebsocketClient`). */
interface SignalingSocket {
  readonly connected: boolean
  send(message: unknown): void
  on(event: 'message', listener: (message: SignalingMessage) => void): void
  on(event: 'connect', listener: () => void): void
  off(event: 'message', listener: (message: SignalingMessage) => void): void
  off(event: 'connect', listener: () => void): void
}

interface SignalingMessage {
  readonly type?: unknown
  readonly topic?: unknown
  readonly data?: unknown
}

export interface AnnouncerOptions {
  /** The provider, created with y-webrtc `maxConns: 0` so that it answers no announce itself. */
  readonly provider: WebrtcProvider
  /** This peer's own bound on connections (y-webrtc's role before: 20 + 0–14); 0: none at all. */
  readonly maxConns: number
  /**
   * Whether to open a connection to a peer that announced itself with `announcerLinks` direct links
   * (anything: it comes from the network) while this one has `conns` (see gossip/membership.ts).
   */
  readonly accept: (announcerLinks: unknown, conns: number) => boolean
}

/**
 * Meshpad's side of y-webrtc's announces: whom this peer connects to when someone announces
 * itself, and when it announces itself (with its direct link count, `links`, which y-webrtc's own
 * announces lack). y-webrtc keeps the rest of the connection set-up (offers, answers, candidates,
 * glare) and announces itself, without `links`, when a signaling connection comes up.
 *
 * It answers an announce as y-webrtc does (an initiating `WebrtcConn` in the room's
 * `webrtcConns`, then a `peers` event), when `accept` says so. It announces when the room opens,
 * when a signaling connection comes up, on {@link announce}, and after a connection closed
 * ({@link connectionClosed}): once per delay, {@link REANNOUNCE_MIN_MS} doubling with every close
 * not followed by a connection that came up, up to {@link REANNOUNCE_MAX_MS} (±25 %). Stock
 * y-webrtc announces at once after every close and every error, a retry storm when connections
 * keep failing.
 *
 * It is responsible for its listeners on the signaling connections and its timer, and removes them
 * in `destroy()` (idempotent). It should not read a data channel.
 */
export class Announcer {
  private readonly sockets: readonly SignalingSocket[]
  /** One reader per signaling connection: a connection started from an announce signals over the server it came from. */
  private readonly readers: readonly ((message: SignalingMessage) => void)[]
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private failures = 0
  private destroyed = false

  constructor(private readonly options: AnnouncerOptions) {
    this.sockets = options.provider.signalingConns as unknown as SignalingSocket[]
    this.readers = this.sockets.map((socket) => (message: SignalingMessage) => this.read(message, socket))
    this.sockets.forEach((socket, i) => {
      socket.on('message', this.readers[i]!)
      socket.on('connect', this.announceIfRoom)
    })
  }

  /** Announces this peer on every connected signaling server, with `links` (default: its connections). */
  announce(links?: number): void {
    const room = this.openRoom()
    if (room === null || this.options.maxConns === 0) return
    const message = { type: 'announce', from: room.peerId, links: links ?? room.webrtcConns.size }
    const data = room.key === null ? Promise.resolve(message) : encryptAnnounce(room.key, room.peerId, message.links)
    void data.then((payload) => {
      if (this.destroyed) return
      for (const socket of this.sockets) if (socket.connected) socket.send({ type: 'publish', topic: room.name, data: payload })
    })
  }

  /** Announces this peer if it has room for another connection (the room opened, a server connected). */
  readonly announceIfRoom = (): void => {
    const room = this.openRoom()
    if (room !== null && room.webrtcConns.size < this.options.maxConns) this.announce()
  }

  /** A connection came up: the next re-announce waits the shortest delay again. */
  connectionUp(): void {
    this.failures = 0
  }

  /**
   * The connection `conn` to `peerId` closed: announce again, with backoff, so a peer still here
   * connects anew; not when a newer connection to that peer took its place (glare) or the peer
   * turned out to be a tab of this browser (BroadcastChannel).
   */
  connectionClosed(peerId: string, conn: object): void {
    const room = this.options.provider.room
    if (room?.bcConns.has(peerId) || (room?.webrtcConns.has(peerId) && room.webrtcConns.get(peerId) !== conn)) return
    if (this.destroyed || this.retryTimer !== null) return
    const delay = Math.min(REANNOUNCE_MAX_MS, REANNOUNCE_MIN_MS * 2 ** this.failures) * (0.75 + Math.random() / 2)
    this.failures++
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.announceIfRoom()
    }, delay)
  }

  private openRoom(): WebrtcProvider['room'] {
    const room = this.options.provider.room
    return this.destroyed || room === null || !room.bcconnected ? null : room
  }

  private read(message: SignalingMessage, socket: SignalingSocket): void {
    const room = this.openRoom()
    if (room === null || message.type !== 'publish' || message.topic !== room.name) return
    if (room.key === null) return this.answer(message.data, socket)
    if (typeof message.data !== 'string') return
    let sealed: Uint8Array
    try {
      sealed = buffer.fromBase64(message.data)
    } catch {
      return
    }
    decryptJson(sealed, room.key).then(
      (data: unknown) => this.answer(data, socket),
      () => {},
    )
  }

  private answer(data: unknown, socket: SignalingSocket): void {
    const room = this.openRoom()
    if (room === null || typeof data !== 'object' || data === null) return
    const { type, from, to, links } = data as { type?: unknown; from?: unknown; to?: unknown; links?: unknown }
    if (type !== 'announce' || typeof from !== 'string' || to !== undefined) return
    if (from === room.peerId || room.bcConns.has(from) || room.webrtcConns.has(from)) return
    if (!this.options.accept(links, room.webrtcConns.size)) return
    room.webrtcConns.set(from, new WebrtcConn(socket as unknown as SignalingConn, true, from, room))
    this.options.provider.emit('peers', [{ added: [from], removed: [], webrtcPeers: [...room.webrtcConns.keys()], bcPeers: [...room.bcConns] }])
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.sockets.forEach((socket, i) => {
      socket.off('message', this.readers[i]!)
      socket.off('connect', this.announceIfRoom)
    })
  }
}
