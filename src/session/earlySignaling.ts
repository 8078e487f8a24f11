import type { AnnouncedAhead } from '../network/RoomNetworkOptions'

/**
 * The signaling WebSocket that the page's early script (`/early-signaling.js`, built from
 * src/early/earlySignaling.entry.ts) opens while the app's script loads, as it leaves it on the
 * page. A contract between two scripts of the page, which share no module instance: they meet
 * on `window`.
 */
export interface EarlySignaling {
  readonly url: string
  readonly socket: WebSocket
  /**
   * The peer id under which the script announces the page in its room, once the socket is open
   * and the room's key derived, if the socket is still its own then. Absent: it announces nothing.
   */
  readonly peerId?: string
  /** Ends the script's hold on the socket's messages (see `AnnouncedAhead.release`). */
  readonly release?: () => void
}

/**
 * The room's encryption key (y-webrtc's, see `deriveRoomEncryptionKey`) as the early script
 * `/early-copy.js` (src/early/earlyCopy.entry.ts) derives it from the address's fragment while the
 * app's script loads, so the session's signaling need not wait for it after the script has run,
 * and `/early-signaling.js` can announce the page. `key` resolves to null if the derivation failed.
 */
export interface EarlyRoomKey {
  readonly fragment: string
  /** The room's topic (its y-webrtc room name). */
  readonly topic: Promise<string>
  readonly key: Promise<CryptoKey | null>
}

/** The event `/early-copy.js` dispatches on `window` once it has set `__meshpadEarlyRoomKey`. */
export const EARLY_ROOM_KEY_EVENT = 'meshpad:early-room-key'

/**
 * The page's request for its ICE servers as `/early-signaling.js` made it while the app's script
 * loaded (`iceServersUrl`, `ICE_SERVERS_REQUEST`).
 */
export interface EarlyIceServers {
  readonly url: string
  readonly answer: Promise<Response>
}

declare global {
  interface Window {
    __meshpadEarlySignaling?: EarlySignaling
    __meshpadEarlyRoomKey?: EarlyRoomKey
    __meshpadEarlyIceServers?: EarlyIceServers
  }
}

interface PageWithSockets {
  __meshpadEarlySignaling?: EarlySignaling
  WebSocket: typeof WebSocket
}

/**
 * Runs `open`, which creates the page's signaling connections synchronously (y-webrtc's
 * `SignalingConn` through lib0's `WebsocketClient`, which calls `new WebSocket(url)`), so that
 * the connection to the early script's URL takes the socket that script opened instead of
 * opening another: the handshake, done while the page loaded, leaves the join's critical path.
 * A socket that opened already is announced to its new owner with an `open` event (the real
 * one was dispatched before anyone listened); one that closed, or that `open` did not take, is
 * dropped. The page's `WebSocket` is the platform's again when this returns.
 *
 * `open` gets the script's announce, which the room it opens must take (its peer id) and release
 * (see `RoomNetworkOptions.announcedAhead`): the script may have announced the page before this
 * call, never after it. Released here if `open` throws.
 */
export function withEarlySignaling<T>(open: (announcedAhead?: AnnouncedAhead) => T, page: PageWithSockets = window): T {
  const early = takeEarlySignaling(page)
  if (early === null) return open()
  const { peerId, release } = early
  const announcedAhead = peerId !== undefined && release !== undefined ? { peerId, release } : undefined
  const Platform = page.WebSocket
  const { socket } = early
  let taken = false
  const Adopting = function (url: string | URL, protocols?: string | string[]): WebSocket {
    if (taken || String(url) !== early.url || protocols !== undefined) return new Platform(url, protocols)
    taken = true
    if (socket.readyState === Platform.OPEN) queueMicrotask(() => socket.dispatchEvent(new Event('open')))
    return socket
  } as unknown as typeof WebSocket
  Object.assign(Adopting, { prototype: Platform.prototype, CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 })
  page.WebSocket = Adopting
  try {
    return open(announcedAhead)
  } catch (error) {
    announcedAhead?.release()
    throw error
  } finally {
    page.WebSocket = Platform
    if (!taken) socket.close()
  }
}

/** Closes the early socket, if the page will open no session (a damaged link). */
export function dropEarlySignaling(page: PageWithSockets = window): void {
  takeEarlySignaling(page)?.socket.close()
}

function takeEarlySignaling(page: PageWithSockets): EarlySignaling | null {
  const early = page.__meshpadEarlySignaling
  if (early === undefined) return null
  delete page.__meshpadEarlySignaling
  if (early.socket.readyState !== page.WebSocket.CONNECTING && early.socket.readyState !== page.WebSocket.OPEN) return null
  return early
}

/**
 * Takes the page's early room key if it was derived from `secret` (the room the session opens),
 * else undefined. Only the first call gets it.
 */
export function takeEarlyRoomKey(secret: string, page: { __meshpadEarlyRoomKey?: EarlyRoomKey } = window): Promise<CryptoKey | null> | undefined {
  const early = page.__meshpadEarlyRoomKey
  delete page.__meshpadEarlyRoomKey
  return early !== undefined && early.fragment === secret ? early.key : undefined
}

/**
 * A `fetch` whose first request for the early script's ICE servers URL gets the answer that script
 * asked for; every other request goes to `fetch`.
 */
export function withEarlyIceServers(fetch: typeof globalThis.fetch, page: { __meshpadEarlyIceServers?: EarlyIceServers } = window): typeof globalThis.fetch {
  return (input, init) => {
    const early = page.__meshpadEarlyIceServers
    delete page.__meshpadEarlyIceServers
    return early !== undefined && String(input) === early.url ? early.answer : fetch(input, init)
  }
}
