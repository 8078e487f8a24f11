import { fromBase64UrlEncoded } from 'lib0/buffer'
import { commentFragment, commentSeedOf, editSeedOf, readFragment, type RoomAccess } from './roomAccess'

/**
 * PKCS#8 DER header of an Ed25519 private key (RFC 8410): WebCrypto imports a raw seed only
 * wrapped in it.
 */
const PKCS8_ED25519_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20)

const ED25519 = { name: 'Ed25519' } as const

/** An Ed25519 key pair from a 32-byte seed: the private key to sign, the raw public key. */
export async function signingKeyPair(seed: Uint8Array): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
  if (seed.length !== 32) throw new Error('an Ed25519 seed has 32 bytes')
  const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + seed.length)
  der.set(PKCS8_ED25519_PREFIX)
  der.set(seed, PKCS8_ED25519_PREFIX.length)
  const exportable = await crypto.subtle.importKey('pkcs8', der, ED25519, true, ['sign'])
  const jwk = await crypto.subtle.exportKey('jwk', exportable)
  if (typeof jwk.x !== 'string') throw new Error('this platform exports no Ed25519 public key')
  const privateKey = await crypto.subtle.importKey('pkcs8', der, ED25519, false, ['sign'])
  return { privateKey, publicKey: fromBase64UrlEncoded(jwk.x) }
}

/** The key that checks a room's signatures, from its raw 32-byte public key. */
export function verifyKey(publicKey: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', new Uint8Array(publicKey), ED25519, false, ['verify'])
}

/** What a v2 room's peers sign and verify with. */
export interface RoomSigning {
  /** Checks every document update a peer sends. */
  readonly verifyKey: Promise<CryptoKey>
  /** Signs this peer's own updates; null for a reader. */
  readonly signingKey: Promise<CryptoKey> | null
  /** The 32-byte Ed25519 seed `signingKey` comes from (a pure-JS signer signs with it); null for a reader. */
  readonly signingSeed: Uint8Array | null
  /** The room's read-only link fragment. */
  readonly readFragment: Promise<string>
  /** Signs this peer's own comments: the edit and comment links have it; null for a reader. */
  readonly commentSigning: { readonly seed: Uint8Array; readonly privateKey: Promise<CryptoKey>; readonly publicKey: Promise<Uint8Array> } | null
  /** The room's comment link fragment: only the edit link makes it. */
  readonly commentFragment: Promise<string> | null
}

function commentSigning(seed: Uint8Array): NonNullable<RoomSigning['commentSigning']> {
  const pair = signingKeyPair(seed)
  pair.catch(() => {})
  return { seed, privateKey: pair.then(({ privateKey }) => privateKey), publicKey: pair.then(({ publicKey }) => publicKey) }
}

/** The keys of a v2 room as its link grants them; null for a v1 room (nothing is signed there). */
export function roomSigning(access: RoomAccess): RoomSigning | null {
  if (access.version === 1) return null
  if (!access.canEdit) {
    return {
      verifyKey: verifyKey(access.publicKey),
      signingKey: null,
      signingSeed: null,
      readFragment: Promise.resolve(readFragment(access.roomKey, access.publicKey)),
      commentSigning: access.commentSeed === null ? null : commentSigning(access.commentSeed),
      commentFragment: null,
    }
  }
  const seed = editSeedOf(access.root)
  const pair = signingKeyPair(seed)
  // Where the platform lacks Ed25519 each user of the keys reports it; not unhandled here.
  pair.catch(() => {})
  return {
    verifyKey: pair.then(({ publicKey }) => verifyKey(publicKey)),
    signingKey: pair.then(({ privateKey }) => privateKey),
    signingSeed: seed,
    readFragment: pair.then(({ publicKey }) => readFragment(access.roomKey, publicKey)),
    commentSigning: commentSigning(commentSeedOf(access.root)),
    commentFragment: pair.then(({ publicKey }) => commentFragment(access.roomKey, publicKey, commentSeedOf(access.root))),
  }
}
