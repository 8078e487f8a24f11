import { encryptAnnounce } from '../network/encryptAnnounce'
import { ICE_SERVERS_REQUEST, iceServersUrl } from '../network/iceServers'
import { SIGNALING_PARAM, defaultSignalingUrl } from '../network/signalingUrls'
import { isDamagedV2Link } from '../room/roomAccess'
import { EARLY_ROOM_KEY_EVENT, type EarlyRoomKey } from '../session/earlySignaling'
import { EARLY_HOLD_MS } from './earlyHoldMs'

/** The WebSocket's OPEN state (the page's `WebSocket.OPEN`; a test's stand-in may not define it). */
const OPEN = 1

/**
 * The page's early script `/early-signaling.js` (a classic script of its own: the
 * Content-Security-Policy allows no inline one). While the app's script still loads it opens the
 * page's signaling WebSocket (`signalingUrls`' default), so that its handshake is done by the time
 * the session starts, and asks the page's server for its ICE servers as the app would
 * (`fetchIceServers`); src/session/earlySignaling.ts hands both to the session.
 *
 * And it announces the page in its room, once the socket is open and `/early-copy.js` has derived
 * the room's key: as y-webrtc's room announces itself (`encryptAnnounce`), under the peer id the
 * session's room then takes (`peerId`), so the peers already there start their offers meanwhile.
 * What arrives after that is held, in order, until the session's room is open to read it
 * (`release`).
 *
 * With `?signaling=` (the app connects to those servers), on an insecure origin (where the app
 * stops) or for a damaged edit or read-only link (which opens nothing: `isDamagedV2Link`) it opens
 * nothing.
 */
function start(): void {
  if (!window.isSecureContext || typeof WebSocket !== 'function') return
  if (new URLSearchParams(window.location.search).has(SIGNALING_PARAM)) return
  const fragment = window.location.hash.slice(1)
  if (isDamagedV2Link(fragment)) return
  const url = defaultSignalingUrl(window.location)
  let socket: WebSocket
  try {
    socket = new WebSocket(url)
  } catch {
    return
  }
  const early: { url: string; socket: WebSocket; peerId?: string; release?: () => void } = { url, socket }
  window.__meshpadEarlySignaling = early
  if (typeof fetch === 'function') {
    const iceUrl = iceServersUrl(window.location.origin)
    const answer = fetch(iceUrl, ICE_SERVERS_REQUEST)
    // Settled as the app's request would be: never an unhandled rejection here.
    answer.catch(() => {})
    window.__meshpadEarlyIceServers = { url: iceUrl, answer }
  }
  setTimeout(() => {
    if (window.__meshpadEarlySignaling !== early) return
    delete window.__meshpadEarlySignaling
    socket.close()
  }, EARLY_HOLD_MS)

  // The browser sets up its WebRTC stack on a page's first RTCPeerConnection; one made and closed
  // here, where there is a room to join, does that while the app's script loads, not in the join.
  // It sets no description, so it gathers nothing and reaches nobody.
  if (fragment !== '' && typeof RTCPeerConnection === 'function') {
    try {
      new RTCPeerConnection().close()
    } catch {
      // Without WebRTC the app says what is missing.
    }
  }
  if (typeof crypto === 'undefined' || typeof crypto.randomUUID !== 'function' || typeof socket.addEventListener !== 'function') return
  const peerId = crypto.randomUUID()
  early.peerId = peerId
  // Messages that came after the announce, while nobody could read them; null: none are held.
  let held: unknown[] | null = null
  socket.addEventListener('message', (event) => {
    if (held === null) return
    event.stopImmediatePropagation()
    held.push(event.data)
  })
  early.release = () => {
    const messages = held
    held = null
    if (messages === null || socket.readyState !== OPEN) return
    for (const data of messages) socket.dispatchEvent(new MessageEvent('message', { data }))
  }
  const opened = new Promise<void>((resolve) => {
    if (socket.readyState === OPEN) resolve()
    else socket.addEventListener('open', () => resolve())
  })
  const roomKey = new Promise<EarlyRoomKey | undefined>((resolve) => {
    if (window.__meshpadEarlyRoomKey) resolve(window.__meshpadEarlyRoomKey)
    else if (typeof window.addEventListener === 'function') window.addEventListener(EARLY_ROOM_KEY_EVENT, () => resolve(window.__meshpadEarlyRoomKey), { once: true })
  })
  const announce = async (): Promise<void> => {
    const room = await roomKey
    if (!room || room.fragment !== fragment || !room.topic) return
    const [topic, key] = await Promise.all([room.topic, room.key, opened])
    if (!key) return
    const data = await encryptAnnounce(key, peerId)
    // Only while the socket is still this script's: once the session took it, its room announces.
    if (window.__meshpadEarlySignaling !== early || socket.readyState !== OPEN) return
    held = []
    socket.send(JSON.stringify({ type: 'subscribe', topics: [topic] }))
    socket.send(JSON.stringify({ type: 'publish', topic, data }))
  }
  announce().catch(() => {})
}

start()
