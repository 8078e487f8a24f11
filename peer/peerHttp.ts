import { createServer, type Server } from 'node:http'
import type { Registry } from 'prom-client'

/** `/healthz` and `/metrics` of an always-on peer. */
export interface PeerHttpOptions {
  readonly port: number
  readonly host?: string
  /** The `/healthz` body; `ok: false` answers 503. */
  readonly health: () => { ok: boolean } & Record<string, unknown>
  readonly metrics: Registry
}

/** Starts the HTTP server; resolves with it and its bound port once it listens. */
export function startPeerHttp(options: PeerHttpOptions): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end()
    } else if (path === '/healthz') {
      const body = options.health()
      response.writeHead(body.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      response.end(JSON.stringify(body))
    } else if (path === '/metrics') {
      options.metrics.metrics().then(
        (text) => response.writeHead(200, { 'content-type': options.metrics.contentType }).end(text),
        () => response.writeHead(500).end(),
      )
    } else {
      response.writeHead(404).end()
    }
  })
  let closing: Promise<void> | null = null
  const close = (): Promise<void> => {
    closing ??= new Promise((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
    return closing
  }
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      const address = server.address()
      resolve({ server, port: typeof address === 'object' && address !== null ? address.port : options.port, close })
    })
  })
}
