import { deviceKeyOf, generateDeviceKeyPair, memoryDeviceKey, type DeviceKey } from './deviceKey'

/** The database that holds this browser profile's device key (one per profile, not per room). */
export const DEVICE_KEY_DATABASE = 'meshpad-device'
const STORE = 'keys'
const ENTRY = 'comment-signing/v1'

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'))
  })
}

function isKeyPair(value: unknown): value is CryptoKeyPair {
  if (typeof value !== 'object' || value === null) return false
  const { privateKey, publicKey } = value as Record<string, unknown>
  return typeof CryptoKey !== 'undefined' && privateKey instanceof CryptoKey && publicKey instanceof CryptoKey
}

/**
 * This browser profile's device key: read from IndexedDB (`factory`: the page's `indexedDB`), or created on first use and stored
 * there (a structured clone of the CryptoKey pair; the private key is not extractable, so no
 * script can read it out, only use it). Two tabs creating it at once agree: the store is written
 * with `add`, and the tab that loses the race reads the winner's key. Where IndexedDB fails
 * (a private window, blocked storage) the key lives as long as the page: comments still work,
 * and only that page can change them.
 */
export async function storedDeviceKey(factory: IDBFactory): Promise<DeviceKey> {
  let db: IDBDatabase
  try {
    const open = factory.open(DEVICE_KEY_DATABASE, 1)
    open.onupgradeneeded = () => open.result.createObjectStore(STORE)
    db = await request(open)
  } catch {
    return memoryDeviceKey()
  }
  try {
    const found: unknown = await request(db.transaction(STORE).objectStore(STORE).get(ENTRY))
    if (isKeyPair(found)) return await deviceKeyOf(found)
    const pair = await generateDeviceKeyPair()
    try {
      await request(db.transaction(STORE, 'readwrite').objectStore(STORE).add(pair, ENTRY))
      return await deviceKeyOf(pair)
    } catch {
      const winner: unknown = await request(db.transaction(STORE).objectStore(STORE).get(ENTRY))
      return await deviceKeyOf(isKeyPair(winner) ? winner : pair)
    }
  } catch {
    return memoryDeviceKey()
  } finally {
    db.close()
  }
}
