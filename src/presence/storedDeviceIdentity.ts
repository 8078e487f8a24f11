import { deviceKeyOf, generateDeviceKeyPair, memoryDeviceKey, type DeviceKey } from './deviceKey'
import { generateSealingKeyPair, sealingKeyOf, type SealingKey } from './sealingKey'

/** The database that holds this browser profile's device keys (one per profile, not per room). */
export const DEVICE_KEY_DATABASE = 'meshpad-device'
const STORE = 'keys'
const SIGNING_ENTRY = 'comment-signing/v1'
const SEALING_ENTRY = 'sealing/v1'

/** This device's two keys: one signs (comments, its presence), one opens what others seal to it (a moved room's link). */
export interface DeviceIdentity {
  readonly signing: DeviceKey
  readonly sealing: SealingKey
}

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
 * The key pair stored under `entry`, or one made by `generate` and stored there (a structured
 * clone of the CryptoKey pair; the private key is not extractable, so no script can read it out,
 * only use it). Two tabs creating it at once agree: the store is written with `add`, and the tab
 * that loses the race reads the winner's pair. Null when IndexedDB fails.
 */
async function storedPair(db: IDBDatabase, entry: string, generate: () => Promise<CryptoKeyPair>): Promise<CryptoKeyPair> {
  const found: unknown = await request(db.transaction(STORE).objectStore(STORE).get(entry))
  if (isKeyPair(found)) return found
  const pair = await generate()
  try {
    await request(db.transaction(STORE, 'readwrite').objectStore(STORE).add(pair, entry))
    return pair
  } catch {
    const winner: unknown = await request(db.transaction(STORE).objectStore(STORE).get(entry))
    return isKeyPair(winner) ? winner : pair
  }
}

async function openDevices(factory: IDBFactory): Promise<IDBDatabase> {
  const open = factory.open(DEVICE_KEY_DATABASE, 1)
  open.onupgradeneeded = () => open.result.createObjectStore(STORE)
  return request(open)
}

/** A device identity that lives as long as this process: nothing is stored. */
export async function memoryDeviceIdentity(): Promise<DeviceIdentity> {
  return { signing: await memoryDeviceKey(), sealing: await sealingKeyOf(await generateSealingKeyPair()) }
}

/**
 * This browser profile's device identity: read from IndexedDB (`factory`: the page's `indexedDB`),
 * or created on first use and stored there (see `storedPair`). Where IndexedDB fails (a private
 * window, blocked storage) it lives as long as the page: comments still work, and only that page
 * can change them; such a page can be moved with its room only while it stays open.
 */
export async function storedDeviceIdentity(factory: IDBFactory): Promise<DeviceIdentity> {
  let db: IDBDatabase
  try {
    db = await openDevices(factory)
  } catch {
    return memoryDeviceIdentity()
  }
  try {
    const signing = await deviceKeyOf(await storedPair(db, SIGNING_ENTRY, generateDeviceKeyPair))
    const sealing = await sealingKeyOf(await storedPair(db, SEALING_ENTRY, () => generateSealingKeyPair()))
    return { signing, sealing }
  } catch {
    return memoryDeviceIdentity()
  } finally {
    db.close()
  }
}
