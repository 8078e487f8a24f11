import { statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import sirv from 'sirv'

export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => void

/** Vite's content-hashed output: a changed file gets a new name, so it may be cached forever. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable'
/**
 * HTML and the service worker (`/sw.js`) name the hashed assets of the current build: always
 * revalidate (ETag makes that cheap).
 */
export const HTML_CACHE = 'no-cache'
/** Unhashed files (icons, manifest, robots.txt): a short cache, then revalidate. */
export const SHORT_CACHE = 'public, max-age=600, must-revalidate'

/**
 * The `Cache-Control` for a request path, decided before the file is looked up so that a `304 Not
 * Modified` carries it too (sirv answers 304 before its `setHeaders` hook runs).
 */
export function cacheControlFor(pathname: string): string {
  if (pathname.startsWith('/assets/')) return IMMUTABLE_CACHE
  const last = pathname.slice(pathname.lastIndexOf('/') + 1)
  // '/', '/index' and '/x.html' all resolve to HTML (sirv tries the 'html' extension).
  if (last === '' || last.endsWith('.html') || !last.includes('.')) return HTML_CACHE
  // The service worker names the build's files; a cached copy would delay every update.
  if (pathname === '/sw.js') return HTML_CACHE
  return SHORT_CACHE
}

function notFound(_req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 404
  // Replaces the cache policy set for the path: a missing hashed asset must not be cached.
  res.setHeader('Cache-Control', 'no-store')
  res.setHeader('Content-Type', 'text/plain; charset=utf-8')
  res.end('Not found')
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory()
  } catch {
    return false
  }
}

/**
 * Serves the built app from `dir` (Vite's `dist/`), GET and HEAD only (the caller checks the
 * method). `/` serves `index.html`; unknown paths get 404 (no SPA fallback: rooms live in the URL
 * fragment, so the app has one page). Without `dir`, or when `dir` is not a directory, every path
 * gets 404.
 *
 * sirv indexes `dir` once, here: files added after start-up are not served until a restart,
 * which also means a request can never reach outside the indexed files.
 */
export function createStaticHandler(dir: string | undefined): StaticHandler {
  if (dir === undefined || !isDirectory(dir)) return notFound
  const serve = sirv(dir, { etag: true, dotfiles: false, extensions: ['html'], onNoMatch: notFound })
  return (req, res) => {
    const pathname = (req.url ?? '/').split('?', 1)[0] ?? '/'
    res.setHeader('Cache-Control', cacheControlFor(pathname))
    serve(req, res)
  }
}
