/** What Meshpad uses of simple-peer, y-webrtc's peer connection (its `conn.peer`). */
export interface SimplePeer {
  on(event: string, listener: (...args: never[]) => void): unknown
  removeListener(event: string, listener: (...args: never[]) => void): unknown
  listenerCount(event: string): number
  send(data: Uint8Array): void
  destroy?(): void
  /** simple-peer's RTCPeerConnection; null once destroyed. */
  readonly _pc?: RTCPeerConnection | null
}

/** What Meshpad uses of y-webrtc's `WebrtcConn`. */
export interface WebrtcConn {
  readonly connected: boolean
  readonly closed: boolean
  readonly peer: SimplePeer
}

/**
 * A WebRTC connection not up within this long is closed; y-webrtc (patched) then removes it and
 * announces this peer again with backoff, so a peer still in the room is retried.
 */
export const CONNECT_TIMEOUT_MS = 30_000

/** The simple-peer events a tracked connection listens to. */
export const PEER_EVENTS = ['connect', 'close', 'iceStateChange'] as const

/**
 * Whether a WebRTC connection carries data now: its data channel is open and ICE has not reported
 * the link down. After a peer dies, ICE says `disconnected` within about 5 s, while the data
 * channel closes only after SCTP gives up (about 15 s more).
 */
export function isLinkUp(conn: WebrtcConn): boolean {
  const ice = conn.peer._pc?.iceConnectionState
  return conn.connected && ice !== 'disconnected' && ice !== 'failed'
}

interface Tracked {
  readonly detach: () => void
}

export interface PeerLinksHandlers {
  /** A link opened, closed or changed its ICE state. */
  readonly onChange: () => void
  /** A link closed or ICE reported it down: that peer is (for now) not reachable directly. */
  readonly onPeerDown: (peerId: string) => void
  /** A connection came up. */
  readonly onUp?: (peerId: string) => void
  /** A connection closed (after y-webrtc's own handling of the close). */
  readonly onClosed?: (peerId: string, conn: WebrtcConn) => void
  /** How long a connection may take to come up before it is closed. Default: {@link CONNECT_TIMEOUT_MS}. */
  readonly connectTimeoutMs?: number
}

/**
 * Follows each WebRTC connection of a room: whether it is up; it closes one that is not up within
 * `connectTimeoutMs`. It is responsible for every listener and timer it adds to a connection and
 * removes them when the connection closes or on `destroy()`.
 *
 * Stock y-webrtc keeps a connection that never comes up for ever (an offer to a peer that
 * left is never answered; ICE without a usable candidate pair may never report `failed`); each
 * one counts against `maxConns` until nobody new can connect.
 *
 * y-webrtc emits `peers` when a connection is created, not when its data channel opens;
 * simple-peer's own `connect`/`close`/`iceStateChange` tell when it is really up. y-webrtc creates
 * a new connection object only after the old one of that peer closed.
 */
export class PeerLinks {
  private readonly tracked = new Map<WebrtcConn, Tracked>()
  private destroyed = false

  constructor(private readonly handlers: PeerLinksHandlers) {}

  /** Starts following `conn`, the connection to `peerId`; a second call for it does nothing. */
  track(peerId: string, conn: WebrtcConn): void {
    if (this.destroyed || this.tracked.has(conn) || conn.closed) return
    const { peer } = conn
    const timer = conn.connected
      ? null
      : setTimeout(() => {
          if (!conn.connected) peer.destroy?.()
        }, this.handlers.connectTimeoutMs ?? CONNECT_TIMEOUT_MS)
    const onConnect = (): void => {
      if (timer !== null) clearTimeout(timer)
      this.handlers.onUp?.(peerId)
      this.handlers.onChange()
    }
    const onClose = (): void => {
      this.untrack(conn)
      this.handlers.onPeerDown(peerId)
      this.handlers.onClosed?.(peerId, conn)
      this.handlers.onChange()
    }
    const onIceState = (state: RTCIceConnectionState): void => {
      if (state === 'disconnected' || state === 'failed') this.handlers.onPeerDown(peerId)
      this.handlers.onChange()
    }
    peer.on('connect', onConnect)
    peer.on('close', onClose)
    peer.on('iceStateChange', onIceState)
    this.tracked.set(conn, {
      detach: () => {
        if (timer !== null) clearTimeout(timer)
        peer.removeListener('connect', onConnect)
        peer.removeListener('close', onClose)
        peer.removeListener('iceStateChange', onIceState)
      },
    })
  }

  private untrack(conn: WebrtcConn): void {
    this.tracked.get(conn)?.detach()
    this.tracked.delete(conn)
  }

  /** Of `conns`, how many are up. */
  count(conns: Iterable<WebrtcConn>): number {
    let up = 0
    for (const conn of conns) if (isLinkUp(conn)) up++
    return up
  }

  /** Idempotent: removes every listener from every connection still followed. */
  destroy(): void {
    this.destroyed = true
    for (const conn of [...this.tracked.keys()]) this.untrack(conn)
  }
}
