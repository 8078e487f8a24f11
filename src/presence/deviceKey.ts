/**
 * This browser profile's own Ed25519 key: it signs the comments written here, so that only this
 * browser can later edit or delete them. It proves "the same browser wrote both", never who a
 * person is: names are what people chose.
 */
export interface DeviceKey {
  /** The raw 32-byte public key, as records carry it. */
  readonly publicKey: Uint8Array
  /** An Ed25519 signature (64 bytes) of `bytes`. */
  sign(bytes: Uint8Array): Promise<Uint8Array>
}

const ED25519 = { name: 'Ed25519' } as const

/** A device key over a WebCrypto key pair; the private key may be non-extractable. */
export async function deviceKeyOf(pair: CryptoKeyPair): Promise<DeviceKey> {
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))
  return {
    publicKey,
    sign: async (bytes) => new Uint8Array(await crypto.subtle.sign(ED25519, pair.privateKey, new Uint8Array(bytes))),
  }
}

/** A new key pair whose private key cannot be exported. */
export function generateDeviceKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ED25519, false, ['sign', 'verify']) as Promise<CryptoKeyPair>
}

/** A key that lives as long as this process (Node, tests): nothing is stored. */
export async function memoryDeviceKey(): Promise<DeviceKey> {
  return deviceKeyOf(await generateDeviceKeyPair())
}

/**
 * Whether `signature` is `publicKey`'s Ed25519 signature of `bytes`. Anything malformed (a key or
 * signature of the wrong length, a point that is not on the curve) is false, never a throw.
 */
export async function verifyDeviceSignature(publicKey: Uint8Array, bytes: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (publicKey.length !== 32 || signature.length !== 64) return false
  try {
    const key = await crypto.subtle.importKey('raw', new Uint8Array(publicKey), ED25519, false, ['verify'])
    return await crypto.subtle.verify(ED25519, key, new Uint8Array(signature), new Uint8Array(bytes))
  } catch {
    return false
  }
}
