import { signalingUrls } from '../network/signalingUrls'
import { roomSecretFromHash } from './roomLink'
import { roomLinkProblem } from './roomLinkProblem'

/** A room link read outside a page (a Node peer): the room's secret and where to signal. */
export interface ParsedRoomLink {
  readonly secret: string
  /** The link origin's `/signaling` (ws/wss), or the link's `?signaling=` servers. */
  readonly signaling: readonly string[]
  /** The link's origin, to show instead of the link (which is a secret). */
  readonly origin: string
}

/**
 * Reads a room link (`https://HOST/#SECRET`, optionally `?signaling=URL1,URL2`). Throws an Error
 * whose message says what is wrong and never contains the secret (a damaged `e1.`/`r1.` link too).
 */
export function parseRoomLink(link: string): ParsedRoomLink {
  let url: URL
  try {
    url = new URL(link.trim())
  } catch {
    throw new Error('not a room link: expected https://HOST/#SECRET')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`not a room link: ${url.protocol} is not http: or https:`)
  }
  const secret = roomSecretFromHash(url.hash)
  if (secret === null) throw new Error(`not a room link: ${url.origin}/ has no #SECRET`)
  const problem = roomLinkProblem(secret)
  if (problem !== null) throw new Error(`not a room link: ${problem.title.toLowerCase()}: ${problem.explanation}`)
  // The fragment as a browser's `location.hash` gives it (percent-encoded), so both derive one topic.
  return { secret, signaling: signalingUrls(url), origin: url.origin }
}
