import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { WebSocket, WebSocketServer, type RawData } from 'ws'
import { parseClientMessage, type ClientMessage, type PongMessage, type RelayedPublishMessage } from './protocol.js'
import { createStaticHandler } from './staticHandler.js'
import { TokenBucket } from './tokenBucket.js'
import { TopicRegistry } from './topicRegistry.js'

export interface SignalingServerOptions {
  /** TCP port; 0 picks a free one (see the result of `listen()`). Default 4444. */
  readonly port?: number
  /** Interface to bind. Default '0.0.0.0'. */
  readonly host?: string
  /** The built app (`dist/`). Absent or not a directory: every non-API path answers 404. */
  readonly staticDir?: string | URL
  /** Largest accepted frame in bytes; a larger one closes the socket with 1009. Default 64 KiB. */
  readonly maxPayload?: number
  /** Ping interval; a socket that has not answered the previous ping is terminated. Default 30 s. */
  readonly heartbeatMs?: number
  /** Topics one socket may be in; further subscriptions are ignored and counted. Default 256. */
  readonly maxTopicsPerSocket?: number
  /**
   * Frames one socket may send: `burst` at once, refilled at `perSecond`. Frames over the limit are
   * ignored and counted. `false` disables the limit. Default 100/s, burst 1000: a newcomer in a full
   * y-webrtc room sends an offer/answer and ICE candidates to ~20-35 peers in a burst.
   */
  readonly rateLimit?: { readonly perSecond: number; readonly burst: number } | false
  /**
   * A receiver with more than this many bytes queued for sending is terminated rather than
   * buffered without bound (it reconnects on its own). Default 4 MiB.
   */
  readonly maxBufferedBytes?: number
  /** How long `close()` waits for sockets to finish the closing handshake. Default 2 s. */
  readonly closeTimeoutMs?: number
  /** Receives one line per notable event (refused or slow socket, shutdown). Default: silent. */
  readonly log?: (line: string) => void
}

/** Counters since creation (`accepted` … `slow`) and the current state (`connections` … `subscriptions`). */
export interface SignalingStats {
  /** Open WebSockets. */
  readonly connections: number
  /** Topics with at least one subscriber. */
  readonly topics: number
  /** (socket, topic) pairs. */
  readonly subscriptions: number
  /** WebSockets accepted. */
  readonly accepted: number
  /** Frames received. */
  readonly received: number
  /** Frames sent (pongs and relayed publishes). */
  readonly sent: number
  /** Publish messages fanned out. */
  readonly published: number
  /** Frames ignored as invalid: binary, invalid JSON, unknown type, wrong field types. */
  readonly dropped: number
  /** Frames ignored by the rate limit, plus subscriptions ignored by the per-socket topic limit. */
  readonly limited: number
  /** Sockets closed by ws for a frame it refused (over `maxPayload` → 1009, bad UTF-8 → 1007, …). */
  readonly refused: number
  /** Sockets terminated by the heartbeat (no pong since the previous ping). */
  readonly timedOut: number
  /** Sockets terminated because their send queue passed `maxBufferedBytes`. */
  readonly slow: number
}

export interface SignalingServer {
  /** Starts listening; resolves with the bound address. Rejects after `close()` or on bind errors. */
  listen(): Promise<{ port: number; host: string }>
  /**
   * Graceful and idempotent: stops accepting, closes every socket with 1001, terminates those that
   * do not finish the handshake within `closeTimeoutMs`, stops the heartbeat, closes the HTTP
   * server. Every call returns the same promise.
   */
  close(): Promise<void>
  stats(): SignalingStats
  /** The underlying server, for callers that attach to it (tests, embedding). */
  readonly server: Server
}

export const DEFAULT_PORT = 4444
export const DEFAULT_HOST = '0.0.0.0'
export const DEFAULT_MAX_PAYLOAD = 64 * 1024
export const DEFAULT_HEARTBEAT_MS = 30_000
export const SHUTDOWN_CLOSE_CODE = 1001
export const SHUTDOWN_CLOSE_REASON = 'server shutting down'

/** Headers on every HTTP response. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // NOTE: the room secret lives in the URL fragment, which is never sent; this keeps even the
  // path and query out of requests to other origins.
  'Referrer-Policy': 'no-referrer',
  // NOTE: restricts only framing, <base>, plugins and form targets, so the app's scripts, styles
  // and its WebSocket connections to any `?signaling=` server are unaffected.
  'Content-Security-Policy': "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'",
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
}

const PONG_FRAME = JSON.stringify({ type: 'pong' } satisfies PongMessage)

interface Peer {
  readonly socket: WebSocket
  readonly bucket: TokenBucket | undefined
  alive: boolean
}

function frameText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}

/**
 * Creates (without starting) the Meshpad server: the built app, `GET /healthz`, and y-webrtc
 * signaling over WebSocket on `/signaling` and every other path (stock clients connect to `/`).
 *
 * It is responsible for relaying signaling messages without reading them, and for staying up
 * whatever clients send. It never sends to a socket that is not open, serialises a fan-out once,
 * and holds no state for a closed socket.
 */
export function createSignalingServer(options: SignalingServerOptions = {}): SignalingServer {
  const port = options.port ?? DEFAULT_PORT
  const host = options.host ?? DEFAULT_HOST
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS
  const maxTopicsPerSocket = options.maxTopicsPerSocket ?? 256
  const rateLimit = options.rateLimit ?? { perSecond: 100, burst: 1000 }
  const maxBufferedBytes = options.maxBufferedBytes ?? 4 * 1024 * 1024
  const closeTimeoutMs = options.closeTimeoutMs ?? 2000
  const log = options.log ?? (() => {})
  const staticDir = options.staticDir instanceof URL ? fileURLToPath(options.staticDir) : options.staticDir

  const counters = { accepted: 0, received: 0, sent: 0, published: 0, dropped: 0, limited: 0, refused: 0, timedOut: 0, slow: 0 }
  const peers = new Map<WebSocket, Peer>()
  const registry = new TopicRegistry<Peer>()
  const serveStatic = createStaticHandler(staticDir)
  let startedAt = Date.now()
  let heartbeat: NodeJS.Timeout | undefined
  let listening: Promise<{ port: number; host: string }> | undefined
  let closing: Promise<void> | undefined

  // NOTE: perMessageDeflate stays off (ws's server default): compressed frames would let a small
  // frame inflate past maxPayload-sized work, and signaling payloads are mostly base64 ciphertext.
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? DEFAULT_MAX_PAYLOAD, clientTracking: false, perMessageDeflate: false })

  function sendFrame(peer: Peer, frame: string): void {
    const { socket } = peer
    if (socket.readyState !== WebSocket.OPEN) return
    if (socket.bufferedAmount > maxBufferedBytes) {
      counters.slow++
      log(`signaling: terminated a socket with ${socket.bufferedAmount} bytes queued`)
      socket.terminate()
      return
    }
    socket.send(frame)
    counters.sent++
  }

  function handleMessage(peer: Peer, message: ClientMessage): void {
    switch (message.type) {
      case 'subscribe':
        for (const topic of message.topics) {
          if (registry.has(topic, peer)) continue
          if (registry.topicCountOf(peer) >= maxTopicsPerSocket) {
            counters.limited++
            continue
          }
          registry.subscribe(topic, peer)
        }
        return
      case 'unsubscribe':
        for (const topic of message.topics) registry.unsubscribe(topic, peer)
        return
      case 'publish': {
        const receivers = registry.subscribersOf(message.topic)
        if (receivers.size === 0) return
        counters.published++
        const relayed: RelayedPublishMessage = { type: 'publish', topic: message.topic, data: message.data, clients: receivers.size }
        // NOTE: serialised once per fan-out, not once per receiver (the stock server does the latter).
        const frame = JSON.stringify(relayed)
        // NOTE: a copy, because sendFrame may terminate a receiver, and a terminated socket leaves
        // its topics when its 'close' event fires.
        for (const receiver of [...receivers]) sendFrame(receiver, frame)
        return
      }
      case 'ping':
        sendFrame(peer, PONG_FRAME)
        return
    }
  }

  function onConnection(socket: WebSocket): void {
    const peer: Peer = { socket, bucket: rateLimit === false ? undefined : new TokenBucket(rateLimit.perSecond, rateLimit.burst), alive: true }
    peers.set(socket, peer)
    counters.accepted++

    socket.on('message', (data, isBinary) => {
      counters.received++
      if (peer.bucket !== undefined && !peer.bucket.take()) {
        counters.limited++
        return
      }
      const message = isBinary ? null : parseClientMessage(frameText(data))
      if (message === null) {
        counters.dropped++
        return
      }
      handleMessage(peer, message)
    })
    socket.on('pong', () => {
      peer.alive = true
    })
    // NOTE: ws has already closed the socket with the matching code (1009 for a frame over
    // maxPayload); without this listener the 'error' event would crash the process.
    socket.on('error', (error: Error & { code?: string }) => {
      counters.refused++
      log(`signaling: refused a socket: ${error.code ?? error.message}`)
    })
    socket.on('close', () => {
      peers.delete(socket)
      registry.unsubscribeAll(peer)
    })
  }

  function checkHeartbeats(): void {
    for (const peer of peers.values()) {
      if (peer.socket.readyState !== WebSocket.OPEN) continue
      if (!peer.alive) {
        counters.timedOut++
        peer.socket.terminate()
        continue
      }
      peer.alive = false
      peer.socket.ping()
    }
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (closing !== undefined) {
      socket.destroy()
      return
    }
    // NOTE: every path is accepted: '/signaling' is Meshpad's, stock y-webrtc clients use '/'.
    wss.handleUpgrade(req, socket, head, onConnection)
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method not allowed')
      return
    }
    const pathname = (req.url ?? '/').split('?', 1)[0]
    if (pathname === '/healthz') {
      const body = JSON.stringify({ status: 'ok', uptime: Math.round((Date.now() - startedAt) / 1000), connections: peers.size, topics: registry.size })
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(body)
      return
    }
    if (pathname === '/signaling') {
      res.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end('WebSocket endpoint')
      return
    }
    serveStatic(req, res)
  }

  const server = createServer(onRequest)
  server.on('upgrade', onUpgrade)
  // NOTE: malformed HTTP from a client must not reach the process's 'error' handling.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')
    else socket.destroy()
  })

  function listen(): Promise<{ port: number; host: string }> {
    if (closing !== undefined) return Promise.reject(new Error('signaling server is closed'))
    listening ??= new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error)
      server.once('error', onError)
      server.listen(port, host, () => {
        server.off('error', onError)
        startedAt = Date.now()
        // NOTE: close() may have run while binding; it must not leave a timer behind.
        if (closing === undefined) {
          heartbeat = setInterval(checkHeartbeats, heartbeatMs)
          heartbeat.unref()
        }
        const address = server.address() as AddressInfo
        resolve({ port: address.port, host: address.address })
      })
    })
    return listening
  }

  async function shutdown(): Promise<void> {
    log('signaling: shutting down')
    clearInterval(heartbeat)
    const httpClosed = new Promise<void>((resolve) => {
      // NOTE: the callback also runs (with an error) when the server never listened.
      server.close(() => resolve())
    })
    server.closeIdleConnections()
    const sockets = [...peers.keys()]
    const socketsClosed = Promise.all(sockets.map((socket) => new Promise((resolve) => socket.once('close', resolve))))
    for (const socket of sockets) socket.close(SHUTDOWN_CLOSE_CODE, SHUTDOWN_CLOSE_REASON)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([socketsClosed, new Promise((resolve) => (timer = setTimeout(resolve, closeTimeoutMs)))])
    clearTimeout(timer)
    for (const socket of peers.keys()) socket.terminate()
    server.closeAllConnections()
    await httpClosed
    wss.close()
  }

  return {
    server,
    listen,
    close: () => (closing ??= shutdown()),
    stats: () => ({ ...counters, connections: peers.size, topics: registry.size, subscriptions: registry.subscriptions }),
  }
}
