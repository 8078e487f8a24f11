import { digest } from 'lib0/hash/sha256'

const BLOCK_BYTES = 64

function concat(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** HMAC-SHA-256 (RFC 2104) of `data` under `key`. */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
  const block = new Uint8Array(BLOCK_BYTES)
  block.set(key.length > BLOCK_BYTES ? digest(key) : key)
  const inner = block.map((byte) => byte ^ 0x36)
  const outer = block.map((byte) => byte ^ 0x5c)
  return digest(concat(outer, digest(concat(inner, data))))
}

/**
 * HKDF-SHA-256 (RFC 5869): `length` bytes of key material from `ikm`, bound to `salt` and `info`.
 *
 * Synchronous (lib0's SHA-256, not WebCrypto's `deriveBits`), so a room's topic and password
 * are known the moment a session opens, as for `roomTopic`.
 */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length > 255 * 32) throw new Error('HKDF-SHA-256 derives at most 8160 bytes')
  const prk = hmacSha256(salt, ikm)
  const out = new Uint8Array(length)
  let previous: Uint8Array = new Uint8Array(0)
  for (let counter = 1, offset = 0; offset < length; counter++) {
    previous = hmacSha256(prk, concat(previous, info, Uint8Array.of(counter)))
    out.set(previous.subarray(0, Math.min(previous.length, length - offset)), offset)
    offset += previous.length
  }
  return out
}
