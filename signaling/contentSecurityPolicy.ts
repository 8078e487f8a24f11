/**
 * The Content-Security-Policy on every response: the second wall behind the Markdown preview's
 * sanitiser (if other people's text ever got markup past it, the browser still refuses to run or
 * load it). Each directive says what the app itself needs, and nothing more.
 */
const DIRECTIVES: Readonly<Record<string, string>> = {
  'default-src': "'self'",
  // Scripts only from this origin; no inline scripts, no eval (the build injects none: see
  // e2e/preview.spec.ts, which fails on any CSP violation during normal use).
  'script-src': "'self'",
  // 'unsafe-inline' for styles: CodeMirror (style-mod) injects <style> elements into the
  // document's head and y-codemirror.next sets `style` attributes (remote selections' colours).
  // A nonce would need a fresh HTML per response, which the service worker's cached copy cannot
  // be. Document content cannot use it: the preview's sanitiser removes every <style> element and
  // `style` attribute.
  'style-src': "'self' 'unsafe-inline'",
  // data:/blob: for pictures in documents; https: for remote images, which the preview requests
  // only after the person clicks "Load images from HOST" (CSP cannot know about consent).
  'img-src': "'self' data: blob: https:",
  // The signaling WebSocket: same origin by default, but `?signaling=URL` may name any ws/wss
  // server. ICE configuration and other fetches are same-origin.
  'connect-src': "'self' ws: wss:",
  // The service worker (/sw.js) and the preview's Markdown worker (/assets/*.js).
  'worker-src': "'self'",
  'manifest-src': "'self'",
  'font-src': "'self'",
  'media-src': "'none'",
  'frame-src': "'none'",
  'object-src': "'none'",
  'base-uri': "'none'",
  'form-action': "'self'",
  'frame-ancestors': "'none'",
}

/** The header's value. */
export const CONTENT_SECURITY_POLICY = Object.entries(DIRECTIVES)
  .map(([name, value]) => `${name} ${value}`)
  .join('; ')
