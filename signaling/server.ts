import { randomBytes } from 'node:crypto'
import { createServer as createHttpServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { WebSocketServer, type ServerOptions } from 'ws'
import { REFUSALS, type RefusalReason } from './closeReasons.js'
import { DEFAULTS, type RedisStatus, type SignalingServer, type SignalingServerOptions } from './serverOptions.js'
import { SignalingHub } from './hub/signalingHub.js'
import { NO_ICE } from './ice/iceConfig.js'
import { IceGate } from './ice/iceGate.js'
import { AddressLedger, type AddressAccount } from './limits/addressLedger.js'
import { addressKey, createAddressMatcher, createClientAddressResolver } from './limits/clientAddress.js'
import { SignalingMetrics } from './observability/signalingMetrics.js'
import { RedisRelay } from './scaleOut/redisRelay.js'
import { createStaticHandler } from './staticHandler.js'
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy.js'

export { DEFAULTS, type RedisStatus, type SignalingServer, type SignalingServerOptions, type SignalingStats } from './serverOptions.js'

/** Headers on every HTTP response. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // The room secret lives in the URL fragment, which is never sent; this keeps even the
  // path and query out of requests to other origins.
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
}

const SILENT = pino({ level: 'silent' })

/**
 * Creates (without starting) the Meshpad server: the built app, `GET /healthz`, `GET /metrics`,
 * `GET /ice-servers` (the app's ICE configuration, TURN credentials issued per request), over
 * https when given `tls`, and y-webrtc signaling over WebSocket on `/signaling` and every other path (stock clients
 * connect to `/`). With `redisUrl`, topics are shared with every instance on that Redis.
 *
 * It is responsible for admission (origin, connection limits) and the lifecycle; the hub relays,
 * the relay talks to Redis. It stays up whatever clients send.
 */
export function createSignalingServer(options: SignalingServerOptions = {}): SignalingServer {
  const port = options.port ?? DEFAULTS.port
  const host = options.host ?? DEFAULTS.host
  const heartbeatMs = options.heartbeatMs ?? DEFAULTS.heartbeatMs
  const maxConnections = options.maxConnections ?? DEFAULTS.maxConnections
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULTS.closeTimeoutMs
  const allowedOrigins = options.allowedOrigins === undefined ? undefined : new Set(options.allowedOrigins)
  const instanceId = options.instanceId ?? randomBytes(8).toString('hex')
  const logger = (options.logger ?? SILENT).child({ instance: instanceId })
  const staticDir = options.staticDir instanceof URL ? fileURLToPath(options.staticDir) : options.staticDir
  const resolveAddress = createClientAddressResolver(options.trustProxy ?? DEFAULTS.trustProxy)
  const exempt = createAddressMatcher(options.exemptAddresses ?? DEFAULTS.exemptAddresses)
  const ledger = new AddressLedger(
    {
      maxConnections: options.maxConnectionsPerAddress ?? DEFAULTS.maxConnectionsPerAddress,
      maxSubscriptions: options.maxSubscriptionsPerAddress ?? DEFAULTS.maxSubscriptionsPerAddress,
      rate: options.addressRateLimit ?? DEFAULTS.addressRateLimit,
    },
    exempt,
  )

  const metrics: SignalingMetrics = new SignalingMetrics(
    {
      connections: () => hub.connectionCount,
      topics: () => hub.topicCount,
      subscriptions: () => hub.subscriptionCount,
      redisUp: options.redisUrl === undefined ? undefined : () => relay?.state === 'up',
    },
    instanceId,
  )
  const relay: RedisRelay | undefined =
    options.redisUrl === undefined
      ? undefined
      : new RedisRelay({
          url: options.redisUrl,
          channelPrefix: options.redisChannelPrefix ?? DEFAULTS.redisChannelPrefix,
          instanceId,
          logger,
          metrics,
          deliver: (topic, dataJson) => hub.deliver(topic, dataJson),
          deliverRelay: (topic, data) => hub.deliverRelay(topic, data),
          localTopics: () => hub.topics(),
        })
  const hub: SignalingHub = new SignalingHub(
    {
      maxTopicsPerConnection: options.maxTopicsPerConnection ?? DEFAULTS.maxTopicsPerConnection,
      maxTopics: options.maxTopics ?? DEFAULTS.maxTopics,
      rateLimit: options.rateLimit ?? DEFAULTS.rateLimit,
      maxBufferedBytes: options.maxBufferedBytes ?? DEFAULTS.maxBufferedBytes,
      peerRelay: options.peerRelay ?? DEFAULTS.peerRelay,
    },
    metrics,
    logger,
    relay,
  )
  const iceGate = new IceGate({
    ice: options.ice ?? NO_ICE,
    ledger,
    waitMs: options.iceWaitMs ?? DEFAULTS.iceWaitMs,
    rate: options.iceRateLimit ?? DEFAULTS.iceRateLimit,
    metrics,
    logger,
  })
  const serveStatic = createStaticHandler(staticDir)
  let startedAt = Date.now()
  let heartbeat: NodeJS.Timeout | undefined
  let listening: Promise<{ port: number; host: string }> | undefined
  let closing: Promise<void> | undefined

  // perMessageDeflate stays off (ws's server default): compressed frames would let a small
  // frame inflate past maxMessageBytes-sized work, and signaling payloads are mostly ciphertext.
  // closeTimeout (in ws 8.23, our range) bounds every closing handshake; @types/ws does not know it yet.
  const wssOptions: ServerOptions & { closeTimeout: number } = {
    noServer: true,
    maxPayload: options.maxMessageBytes ?? DEFAULTS.maxMessageBytes,
    clientTracking: false,
    perMessageDeflate: false,
    closeTimeout: closeTimeoutMs,
  }
  const wss = new WebSocketServer(wssOptions)

  function redisStatus(): RedisStatus {
    return relay === undefined ? 'disabled' : relay.state
  }

  /** Why `req` may not open a connection now, or undefined when it may. */
  function refusal(req: IncomingMessage, account: AddressAccount): RefusalReason | undefined {
    if (closing !== undefined) return 'shutdown'
    if (allowedOrigins !== undefined && !allowedOrigins.has(req.headers.origin ?? '')) return 'origin_not_allowed'
    if (hub.connectionCount >= maxConnections) return 'server_full'
    if (!account.mayConnect()) return 'address_full'
    return undefined
  }

  /** Answers the upgrade request with `reason`'s HTTP status instead of a WebSocket. */
  function refuse(socket: Duplex, reason: RefusalReason): void {
    const { status, reason: text } = REFUSALS[reason]
    const retryAfter = 'retryAfter' in REFUSALS[reason] ? `Retry-After: ${REFUSALS[reason].retryAfter}\r\n` : ''
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\n${retryAfter}\r\n${text}`)
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const address = resolveAddress(req)
    const account = ledger.account(addressKey(address), address)
    const refused = refusal(req, account)
    if (refused !== undefined) {
      ledger.forget(account)
      metrics.refused(refused)
      const fields = { address, origin: req.headers.origin, reason: refused, status: REFUSALS[refused].status }
      if (refused === 'shutdown') logger.debug(fields, 'refusing connection')
      else logger.info(fields, 'refusing connection')
      refuse(socket, refused)
      return
    }
    // Every path is accepted: '/signaling' is Meshpad's, stock y-webrtc clients use '/'.
    wss.handleUpgrade(req, socket, head, (ws) => {
      metrics.accepted()
      // ws completes the upgrade synchronously (no verifyClient), so no handshake is ever
      // in flight between the check above and this count.
      ledger.opened(account)
      hub.attach(ws, address, account, () => ledger.closed(account))
    })
  }

  function healthz(res: ServerResponse): void {
    const redis = redisStatus()
    const healthy = redis === 'disabled' || redis === 'up'
    const body = JSON.stringify({
      status: healthy ? 'ok' : 'unhealthy',
      uptime: Math.round((Date.now() - startedAt) / 1000),
      connections: hub.connectionCount,
      topics: hub.topicCount,
      redis,
    })
    res.writeHead(healthy ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(body)
  }

  function serveMetrics(res: ServerResponse): void {
    metrics.registry.metrics().then(
      (text: string) => res.writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' }).end(text),
      (error: unknown) => {
        logger.error({ err: error }, 'metrics collection failed')
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics collection failed')
      },
    )
  }

  function serveIceServers(req: IncomingMessage, res: ServerResponse): void {
    const address = resolveAddress(req)
    void iceGate.answer(addressKey(address), address).then(({ status, headers, body }) => {
      // no-store: TURN credentials expire, and neither a cache nor the service worker may
      // hand out stale ones. The client may have gone while the answer waited.
      if (!res.destroyed) res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(body))
    })
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method not allowed')
      return
    }
    const pathname = (req.url ?? '/').split('?', 1)[0]
    if (pathname === '/healthz') return healthz(res)
    if (pathname === '/metrics') return serveMetrics(res)
    if (pathname === '/ice-servers') return serveIceServers(req, res)
    if (pathname === '/signaling') {
      res.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end('WebSocket endpoint')
      return
    }
    serveStatic(req, res)
  }

  const server: Server = options.tls === undefined ? createHttpServer(onRequest) : createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
  server.on('upgrade', onUpgrade)
  // Malformed HTTP from a client must not reach the process's 'error' handling.
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
        // close() may have run while binding; it must not leave a timer behind.
        if (closing === undefined) {
          heartbeat = setInterval(() => hub.heartbeat(), heartbeatMs)
          heartbeat.unref()
        }
        const address = server.address() as AddressInfo
        resolve({ port: address.port, host: address.address })
      })
    })
    return listening
  }

  async function shutdown(): Promise<void> {
    logger.info({ connections: hub.connectionCount }, 'shutting down')
    clearInterval(heartbeat)
    const httpClosed = new Promise<void>((resolve) => {
      // The callback also runs (with an error) when the server never listened.
      server.close(() => resolve())
    })
    server.closeIdleConnections()
    let timer: NodeJS.Timeout | undefined
    // ws destroys each socket after closeTimeoutMs; the timer is a backstop for the rest.
    await Promise.race([hub.closeAll('shutdown'), new Promise((resolve) => (timer = setTimeout(resolve, closeTimeoutMs + 100)))])
    clearTimeout(timer)
    hub.terminateAll()
    await relay?.close()
    server.closeAllConnections()
    await httpClosed
    wss.close()
    logger.info('shut down')
  }

  return {
    server,
    instanceId,
    listen,
    close: () => (closing ??= shutdown()),
    stats: () => ({
      ...metrics.tallies(),
      connections: hub.connectionCount,
      topics: hub.topicCount,
      subscriptions: hub.subscriptionCount,
      redis: redisStatus(),
    }),
  }
}
