import { hashes, sign } from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { encodeSignedSync, signedBytes, verifyUpdate } from './signedSyncMessage'

// noble's synchronous API needs a synchronous SHA-512 (its async one would use WebCrypto's).
hashes.sha512 = sha512

/** An empty Yjs update: what the probe signature covers (it is never sent). */
const EMPTY_UPDATE = Uint8Array.of(0, 0)

/**
 * A synchronous signer of a room's `update` messages in pure JS (noble's audited Ed25519), from
 * the 32-byte seed WebCrypto imports the room's private key from: RFC 8032 signatures are
 * deterministic, so both give the same bytes. It resolves only after a probe it signed verified
 * with the room's WebCrypto `verifyKey`; it rejects on any mismatch. Import this module only with
 * a dynamic `import()` (see `UpdateSigner`): it is not part of the first page load.
 */
export async function pureSigner(seed: Uint8Array, topic: string, verifyKey: Promise<CryptoKey>): Promise<(update: Uint8Array) => Uint8Array> {
  const probe = sign(signedBytes(topic, EMPTY_UPDATE), seed)
  if (!(await verifyUpdate(await verifyKey, topic, { signature: probe, update: EMPTY_UPDATE }))) {
    throw new Error('the pure-JS signature does not verify with the room key')
  }
  return (update) => encodeSignedSync({ kind: 'update', signature: sign(signedBytes(topic, update), seed), update })
}
