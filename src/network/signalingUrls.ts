/** The query parameter that overrides the signaling servers: `?signaling=URL1,URL2`. */
export const SIGNALING_PARAM = 'signaling'

/** The path the Meshpad server accepts signaling WebSockets on. */
export const SIGNALING_PATH = '/signaling'

interface PageLocation {
  readonly protocol: string
  readonly host: string
  readonly search: string
}

/** The page's own signaling server: its origin at `/signaling`, `wss:` under https. */
export function defaultSignalingUrl(location: Pick<PageLocation, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${SIGNALING_PATH}`
}

/**
 * The signaling servers a page connects to. By default the page's own origin at `/signaling`
 * (`wss:` under https). `?signaling=` lists others, comma separated; y-webrtc connects to all of
 * them, for redundancy. Entries that are not `ws:`/`wss:` URLs are ignored with a warning; if none
 * is left, the default applies.
 */
export function signalingUrls(location: PageLocation): string[] {
  const fallback = defaultSignalingUrl(location)
  const param = new URLSearchParams(location.search).get(SIGNALING_PARAM)
  if (param === null) return [fallback]
  const urls: string[] = []
  for (const entry of param.split(',')) {
    const candidate = entry.trim()
    if (candidate === '') continue
    if (isWebSocketUrl(candidate)) urls.push(candidate)
    else console.warn(`Meshpad: ignoring signaling URL ${JSON.stringify(candidate)}: not a ws: or wss: URL`)
  }
  return urls.length > 0 ? [...new Set(urls)] : [fallback]
}

function isWebSocketUrl(candidate: string): boolean {
  try {
    const { protocol } = new URL(candidate)
    return protocol === 'ws:' || protocol === 'wss:'
  } catch {
    return false
  }
}
