/**
 * Sealing to a device: anyone who knows a device's public sealing key can seal bytes that only
 * that device can open (ECIES over WebCrypto: an ephemeral ECDH P-256 key, HKDF-SHA-256, AES-GCM).
 * P-256 rather than X25519 because every browser Meshpad runs in, and Node, has it in WebCrypto.
 *
 * A box is `ephemeral public key (65 bytes, uncompressed) ‖ IV (12) ‖ AES-GCM ciphertext`. The
 * `context` (what the box is for, and where) goes into the key derivation, so a box cut from one
 * record and pasted into another does not open.
 */
const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const
const POINT_BYTES = 65
const IV_BYTES = 12
const TAG_BYTES = 16
/** Domain separation and version of the sealing derivation. */
export const SEAL_LABEL = 'meshpad/v2/seal'

/** This device's key for opening what others sealed to it. */
export interface SealingKey {
  /** The raw uncompressed P-256 public key (65 bytes), as presence and records carry it. */
  readonly publicKey: Uint8Array
  /** The plaintext of `box` sealed to this key for `context`; null when it does not open. */
  open(box: Uint8Array, context: string): Promise<Uint8Array | null>
}

/** A new sealing key pair whose private key cannot be exported. */
export function generateSealingKeyPair(extractable = false): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ECDH, extractable, ['deriveBits']) as Promise<CryptoKeyPair>
}

async function boxKey(shared: ArrayBuffer, ephemeral: Uint8Array, recipient: Uint8Array, context: string): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey'])
  const info = new TextEncoder().encode(`${SEAL_LABEL}\0${context}`)
  const salt = new Uint8Array(ephemeral.length + recipient.length)
  salt.set(ephemeral)
  salt.set(recipient, ephemeral.length)
  return crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt, info }, ikm, { name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ])
}

/** A sealing key over a WebCrypto ECDH P-256 key pair. */
export async function sealingKeyOf(pair: CryptoKeyPair): Promise<SealingKey> {
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))
  return {
    publicKey,
    open: async (box, context) => {
      if (box.length < POINT_BYTES + IV_BYTES + TAG_BYTES) return null
      try {
        const ephemeral = box.slice(0, POINT_BYTES)
        const theirs = await crypto.subtle.importKey('raw', ephemeral, ECDH, false, [])
        const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: theirs }, pair.privateKey, 256)
        const key = await boxKey(shared, ephemeral, publicKey, context)
        const iv = box.slice(POINT_BYTES, POINT_BYTES + IV_BYTES)
        return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, box.slice(POINT_BYTES + IV_BYTES)))
      } catch {
        return null
      }
    },
  }
}

/** Seals `plaintext` to the device whose raw sealing public key is `recipient`; throws on a key that is not a P-256 point. */
export async function sealTo(recipient: Uint8Array, plaintext: Uint8Array, context: string): Promise<Uint8Array> {
  const theirs = await crypto.subtle.importKey('raw', new Uint8Array(recipient), ECDH, false, [])
  const ephemeralPair = await generateSealingKeyPair(true)
  const ephemeral = new Uint8Array(await crypto.subtle.exportKey('raw', ephemeralPair.publicKey))
  const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: theirs }, ephemeralPair.privateKey, 256)
  const key = await boxKey(shared, ephemeral, recipient, context)
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new Uint8Array(plaintext)))
  const box = new Uint8Array(POINT_BYTES + IV_BYTES + ciphertext.length)
  box.set(ephemeral)
  box.set(iv, POINT_BYTES)
  box.set(ciphertext, POINT_BYTES + IV_BYTES)
  return box
}

/** Whether `bytes` is a raw uncompressed P-256 public key a box can be sealed to. */
export async function isSealingPublicKey(bytes: Uint8Array): Promise<boolean> {
  if (bytes.length !== POINT_BYTES || bytes[0] !== 4) return false
  try {
    await crypto.subtle.importKey('raw', new Uint8Array(bytes), ECDH, false, [])
    return true
  } catch {
    return false
  }
}
