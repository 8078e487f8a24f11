import { getPublicKey, hashes, sign } from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'

// NOTE: noble's synchronous API needs a synchronous SHA-512; its async API would use WebCrypto's.
hashes.sha512 = sha512

/**
 * A synchronous Ed25519 signer in pure JS (noble), for the writer's hot path: a WebCrypto
 * signature resolves in a later task, after the page renders the keystroke, so the update would
 * leave that much later. It is responsible for RFC 8032 signatures from the same 32-byte seed
 * WebCrypto imports, byte for byte the same (Ed25519 is deterministic). It should be imported
 * only with a dynamic `import()` (see `UpdateSigner`), never into the first page load.
 */
export const pureEd25519 = {
  /** The raw 32-byte public key of `seed`. */
  publicKey: (seed: Uint8Array): Uint8Array => getPublicKey(seed),
  /** The 64-byte signature of `message` with the key of `seed`. */
  sign: (message: Uint8Array, seed: Uint8Array): Uint8Array => sign(message, seed),
}

/** What the dynamic import of this module gives. */
export type PureEd25519 = typeof pureEd25519
