import { toBase64UrlEncoded } from 'lib0/buffer'

/** Bytes of randomness in a new room secret: 16 bytes → 22 base64url characters. */
export const ROOM_SECRET_BYTES = 16

/**
 * Creates the secret of a new room. The secret is the whole key to a room: whoever holds the link
 * can read and write the document, so it comes from the platform's CSPRNG.
 */
export function createRoomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(ROOM_SECRET_BYTES))
  // NOTE: lib0 pads like base64; a link fragment needs none.
  return toBase64UrlEncoded(bytes).replace(/=+$/, '')
}

/**
 * Reads the room secret from a URL fragment (`location.hash`). Any non-empty fragment is a secret;
 * `''` and `'#'` are not, and give `null`.
 */
export function roomSecretFromHash(hash: string): string | null {
  const secret = hash.startsWith('#') ? hash.slice(1) : hash
  return secret.length > 0 ? secret : null
}
