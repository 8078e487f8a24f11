import { etc, hashes, Point, sign, utils } from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { encodeSignedSync, signedBytes, verifyUpdate } from './signedSyncMessage'

// noble's synchronous API needs a synchronous SHA-512 (its async one would use WebCrypto's).
hashes.sha512 = sha512

/** An empty Yjs update: what the probe signature covers (it is never sent). */
const EMPTY_UPDATE = Uint8Array.of(0, 0)

/** The order of Ed25519's base point (L in RFC 8032). */
const L = Point.CURVE().n

const fromLittleEndian = (bytes: Uint8Array): bigint => BigInt(`0x${etc.bytesToHex(bytes.slice().reverse())}`)
const toLittleEndian32 = (n: bigint): Uint8Array => etc.hexToBytes(n.toString(16).padStart(64, '0')).reverse()

/**
 * RFC 8032 Ed25519 signing (5.1.6) with the seed expanded once: noble's `sign` expands the seed on
 * every call, a second scalar multiplication beside the signature's own. Deterministic, so each
 * signature equals noble's and WebCrypto's byte for byte (`pureSigner` checks that before use).
 */
export function expandedEd25519(seed: Uint8Array): (message: Uint8Array) => Uint8Array {
  const { prefix, scalar, pointBytes } = utils.getExtendedPublicKey(seed)
  return (message) => {
    const r = etc.mod(fromLittleEndian(sha512(etc.concatBytes(prefix, message))), L)
    // r = 0 has a probability of 2^-252; noble's own path handles it (by refusing).
    if (r === 0n) return sign(message, seed)
    const R = Point.BASE.multiply(r).toBytes()
    const k = etc.mod(fromLittleEndian(sha512(etc.concatBytes(R, pointBytes, message))), L)
    return etc.concatBytes(R, toLittleEndian32(etc.mod(r + k * scalar, L)))
  }
}

/**
 * A synchronous signer of a room's `update` messages in pure JS (noble's audited Ed25519), from
 * the 32-byte seed WebCrypto imports the room's private key from: RFC 8032 signatures are
 * deterministic, so both give the same bytes. It resolves only after a probe it signed equals
 * noble's own signature and verifies with the room's WebCrypto `verifyKey`; it rejects on any
 * mismatch. Import this module only with a dynamic `import()` (see `UpdateSigner`): it is not part
 * of the first page load.
 */
export async function pureSigner(seed: Uint8Array, topic: string, verifyKey: Promise<CryptoKey>): Promise<(update: Uint8Array) => Uint8Array> {
  const signBytes = expandedEd25519(seed)
  const signed = (update: Uint8Array): Uint8Array => signBytes(signedBytes(topic, update))
  const probe = signed(EMPTY_UPDATE)
  const same = etc.bytesToHex(probe) === etc.bytesToHex(sign(signedBytes(topic, EMPTY_UPDATE), seed))
  if (!same || !(await verifyUpdate(await verifyKey, topic, { signature: probe, update: EMPTY_UPDATE }))) {
    throw new Error('the pure-JS signature does not verify with the room key')
  }
  return (update) => encodeSignedSync({ kind: 'update', signature: signed(update), update })
}
