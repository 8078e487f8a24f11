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
