import { accessTopic, parseRoomAccess } from './roomAccess'

export { ROOM_TOPIC_PREFIX } from './roomAccess'

/**
 * The name a room is known by outside this browser: on the signaling server, as y-webrtc's room
 * name, and in the name of its IndexedDB database. It is stable for a link and reveals nothing of
 * it: for a v1 `#SECRET`, the hex SHA-256 of the versioned prefix and the secret; for a v2 link
 * (edit or read-only), an HKDF of the room key, the same for both links of a room.
 *
 * Synchronous (lib0's SHA-256, not WebCrypto) so that a session can be opened synchronously
 * inside a React effect and destroyed in its cleanup without racing a pending promise.
 */
export function roomTopic(fragment: string): string {
  return accessTopic(parseRoomAccess(fragment))
}
