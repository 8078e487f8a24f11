import { describe, expect, it } from 'vitest'
import { hashes, sign as nobleSign, verify as nobleVerify, getPublicKey } from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { signingKeyPair, verifyKey } from '../../room/roomSigning'
import { expandedEd25519, pureSigner } from './pureSigner'
import { decodeSignedSync, signedBytes, signUpdate, verifyUpdate } from './signedSyncMessage'
import { UpdateSigner } from './UpdateSigner'

hashes.sha512 = sha512
const TOPIC = 'signer-topic'
const seedOf = (first: number): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => (first + i * 7) & 0xff)

async function room(seed: Uint8Array): Promise<{ privateKey: CryptoKey; verify: CryptoKey; publicKey: Uint8Array }> {
  const pair = await signingKeyPair(seed)
  return { privateKey: pair.privateKey, verify: await verifyKey(pair.publicKey), publicKey: pair.publicKey }
}

describe('noble Ed25519 beside WebCrypto', () => {
  it('derives the same public key from a seed; each verifies the other, byte-identical signatures', async () => {
    const seed = seedOf(3)
    const { privateKey, verify, publicKey } = await room(seed)
    expect(getPublicKey(seed)).toEqual(publicKey)
    for (const update of [Uint8Array.of(0, 0), Uint8Array.of(1, 1, 200, 3, 0, 4, 1, 7, 99), new Uint8Array(3000).fill(5)]) {
      const message = signedBytes(TOPIC, update)
      const noble = nobleSign(message, seed)
      const web = new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, message))
      expect(noble).toEqual(web)
      expect(await verifyUpdate(verify, TOPIC, { signature: noble, update })).toBe(true)
      expect(nobleVerify(web, message, publicKey)).toBe(true)
      const changed = update.slice()
      changed[0] = (changed[0] as number) ^ 1
      expect(await verifyUpdate(verify, TOPIC, { signature: noble, update: changed })).toBe(false)
      expect(nobleVerify(web, signedBytes(TOPIC, changed), publicKey)).toBe(false)
    }
  })

  it("pureSigner's messages equal WebCrypto's; it refuses a seed that is not the room's", async () => {
    const seed = seedOf(7)
    const { privateKey, verify } = await room(seed)
    const sign = await pureSigner(seed, TOPIC, Promise.resolve(verify))
    const update = Uint8Array.of(1, 1, 9, 0, 4, 1, 7, 104, 105, 0)
    expect(sign(update)).toEqual(await signUpdate(privateKey, TOPIC, update))
    await expect(pureSigner(seedOf(8), TOPIC, Promise.resolve(verify))).rejects.toThrow(/does not verify/)
  })
})

describe('UpdateSigner', () => {
  it('signs with WebCrypto until prepared, then synchronously, with the same bytes', async () => {
    const seed = seedOf(11)
    const { privateKey, verify } = await room(seed)
    const signer = new UpdateSigner({ topic: TOPIC, privateKey: Promise.resolve(privateKey), seed, verifyKey: Promise.resolve(verify) })
    const update = Uint8Array.of(1, 1, 9, 0, 4, 1, 7, 104, 105, 0)
    expect(signer.signNow(update)).toBeNull()
    const before = await signer.sign(update)
    await signer.prepare()
    expect(signer.synchronous).toBe(true)
    const now = signer.signNow(update)
    expect(now).toEqual(before)
    expect(now).toEqual(await signUpdate(privateKey, TOPIC, update))
    const decoded = decodeSignedSync(now as Uint8Array)
    expect(decoded?.kind).toBe('update')
    expect(await verifyUpdate(verify, TOPIC, decoded as { signature: Uint8Array; update: Uint8Array })).toBe(true)
  })

  it('keeps WebCrypto when the pure-JS signer does not match the room key, or fails to load', async () => {
    const seed = seedOf(21)
    const { privateKey, verify } = await room(seed)
    const warnings: string[] = []
    const base = { topic: TOPIC, privateKey: Promise.resolve(privateKey), verifyKey: Promise.resolve(verify), warn: (m: string) => void warnings.push(m) }
    const wrongSeed = new UpdateSigner({ ...base, seed: seedOf(99) })
    await wrongSeed.prepare()
    expect(wrongSeed.synchronous).toBe(false)
    expect(wrongSeed.signNow(Uint8Array.of(0, 0))).toBeNull()
    const failed = new UpdateSigner({ ...base, seed, load: () => Promise.reject(new Error('offline')) })
    await failed.prepare()
    expect(failed.synchronous).toBe(false)
    expect(warnings).toHaveLength(2)
    // Still signing, through WebCrypto.
    const signed = decodeSignedSync(await failed.sign(Uint8Array.of(0, 0))) as { signature: Uint8Array; update: Uint8Array }
    expect(await verifyUpdate(verify, TOPIC, signed)).toBe(true)
  })
})

describe('expandedEd25519', () => {
  it('gives noble’s RFC 8032 signature, byte for byte, for any message and seed', () => {
    for (let i = 0; i < 40; i++) {
      const seed = crypto.getRandomValues(new Uint8Array(32))
      const message = crypto.getRandomValues(new Uint8Array(i * 37))
      expect(expandedEd25519(seed)(message)).toEqual(nobleSign(message, seed))
    }
  })
})
