import { digest } from 'lib0/hash/sha256'
import { toHexString } from 'lib0/buffer'

/**
 * Domain separation and version of the topic derivation. Changing it moves every room to a new
 * topic (and a new local database), so it is versioned rather than edited.
 */
export const ROOM_TOPIC_PREFIX = 'meshpad/v1/room/'

/**
 * The name a room is known by outside this browser: on the signaling server, as y-webrtc's room
 * name, and in the name of its IndexedDB database. It is the hex SHA-256 of the versioned prefix
 * and the secret, so it is stable for a secret and reveals nothing of it.
 *
 * NOTE: synchronous (lib0's SHA-256, not WebCrypto) so that a session can be opened synchronously
 * inside a React effect and destroyed in its cleanup without racing a pending promise.
 */
export function roomTopic(secret: string): string {
  return toHexString(digest(new TextEncoder().encode(ROOM_TOPIC_PREFIX + secret)))
}
