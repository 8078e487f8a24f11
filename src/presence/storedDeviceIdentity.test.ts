import 'fake-indexeddb/auto'
import { describe, expect, test } from 'vitest'
import { IDBFactory } from 'fake-indexeddb'
import { memoryDeviceKey, verifyDeviceSignature } from './deviceKey'
import { DEVICE_KEY_DATABASE, storedDeviceIdentity } from './storedDeviceIdentity'

const storedSigningKey = async (factory: IDBFactory) => (await storedDeviceIdentity(factory)).signing

const bytes = new TextEncoder().encode('a comment')

describe('device key', () => {
  test('is created once per profile, kept, and its private key cannot be exported', async () => {
    const profile = new IDBFactory()
    const first = await storedSigningKey(profile)
    const again = await storedSigningKey(profile)
    expect(again.publicKey).toEqual(first.publicKey)
    expect(await verifyDeviceSignature(first.publicKey, bytes, await again.sign(bytes))).toBe(true)

    const stored = await new Promise<CryptoKeyPair>((resolve, reject) => {
      const open = profile.open(DEVICE_KEY_DATABASE)
      open.onsuccess = () => {
        const get = open.result.transaction('keys').objectStore('keys').get('comment-signing/v1')
        get.onsuccess = () => resolve(get.result as CryptoKeyPair)
        get.onerror = () => reject(get.error)
      }
    })
    expect(stored.privateKey.extractable).toBe(false)
    await expect(crypto.subtle.exportKey('pkcs8', stored.privateKey)).rejects.toThrow()
  })

  test('two pages creating it at once agree on one key', async () => {
    const profile = new IDBFactory()
    const [a, b] = await Promise.all([storedSigningKey(profile), storedSigningKey(profile)])
    expect(a.publicKey).toEqual(b.publicKey)
    expect((await storedSigningKey(new IDBFactory())).publicKey).not.toEqual(a.publicKey)
  })

  test('signatures verify only with their key and bytes; malformed input is false, not a throw', async () => {
    const key = await memoryDeviceKey()
    const other = await memoryDeviceKey()
    const signature = await key.sign(bytes)
    expect(await verifyDeviceSignature(key.publicKey, bytes, signature)).toBe(true)
    expect(await verifyDeviceSignature(other.publicKey, bytes, signature)).toBe(false)
    expect(await verifyDeviceSignature(key.publicKey, new TextEncoder().encode('another'), signature)).toBe(false)
    expect(await verifyDeviceSignature(new Uint8Array(31), bytes, signature)).toBe(false)
    expect(await verifyDeviceSignature(new Uint8Array(32).fill(255), bytes, signature)).toBe(false)
    expect(await verifyDeviceSignature(key.publicKey, bytes, new Uint8Array(64))).toBe(false)
  })
})
