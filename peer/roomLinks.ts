import { SIGNALING_PARAM, signalingUrls } from '../src/network/signalingUrls'
import { parseRoomLink, type ParsedRoomLink } from '../src/room/parseRoomLink'
import { roomTopic } from '../src/room/roomTopic'
import { EXIT, PeerStartError } from './peerOptions'

/** A room the peer keeps, with what may be logged about it (never its secret). */
export interface PeerRoom {
  readonly link: ParsedRoomLink
  readonly topic: string
  /** For logs: the link's origin and the start of its topic, e.g. `https://pad.example/ (3fa1c2d9)`. */
  readonly label: string
}

/** Where a link came from, for messages: `argument 2`, `rooms.txt line 7`. */
export interface LinkSource {
  readonly link: string
  readonly where: string
}

/**
 * A link as it may appear in a message: its origin only. A link is a secret (whoever holds
 * it can read and edit the document), so neither logs nor errors ever show its fragment.
 */
export function redactLink(link: string): string {
  try {
    return `${new URL(link.trim()).origin}/#…`
  } catch {
    return '(not a URL)'
  }
}

/**
 * Parses every link; the same room given twice is kept once. Throws {@link PeerStartError} naming
 * the first bad link by where it came from and its redacted form.
 */
export function parseRoomLinks(sources: readonly LinkSource[]): PeerRoom[] {
  const rooms = new Map<string, PeerRoom>()
  for (const { link, where } of sources) {
    let parsed: ParsedRoomLink
    try {
      parsed = parseRoomLink(link)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      throw new PeerStartError(`bad room link (${where}, ${redactLink(link)}): ${reason}`, EXIT.usage)
    }
    const topic = roomTopic(parsed.secret)
    if (!rooms.has(topic)) rooms.set(topic, { link: parsed, topic, label: `${parsed.origin}/ (${topic.slice(0, 8)})` })
  }
  return [...rooms.values()]
}

/**
 * The link of a parsed room link, as `parseRoomLink` reads it back: its origin, its signaling
 * servers (as `?signaling=` unless they are the origin's own) and its secret.
 */
export function roomLinkOf(link: ParsedRoomLink): string {
  const url = new URL(link.origin)
  const [own] = signalingUrls(url)
  if (link.signaling.length !== 1 || link.signaling[0] !== own) url.searchParams.set(SIGNALING_PARAM, link.signaling.join(','))
  return `${url.href}#${link.secret}`
}

/**
 * The room a kept room moved to: `secret` (the link a move record sealed to this peer, a fragment)
 * at the old room's origin and signaling servers, where the people who moved are.
 */
export function movedRoom(from: PeerRoom, secret: string): PeerRoom {
  const [room] = parseRoomLinks([{ link: roomLinkOf({ secret, signaling: from.link.signaling, origin: from.link.origin }), where: `the move of ${from.label}` }])
  if (room === undefined) throw new Error('a moved room has a link')
  return room
}
