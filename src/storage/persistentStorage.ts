/** What the browser says about this site's storage. `null`: the browser does not tell. */
export interface StorageInfo {
  /** Whether the browser promised not to evict this site's data under storage pressure. */
  readonly persisted: boolean | null
  /** Bytes used by this site (all its documents, the list, the cached app). */
  readonly usage: number | null
  /** Bytes this site may use. */
  readonly quota: number | null
}

function storageManager(): StorageManager | null {
  return typeof navigator !== 'undefined' && navigator.storage ? navigator.storage : null
}

export async function readStorageInfo(): Promise<StorageInfo> {
  const storage = storageManager()
  const [persisted, estimate] = await Promise.all([
    storage?.persisted ? storage.persisted().catch(() => null) : null,
    storage?.estimate ? storage.estimate().catch(() => null) : null,
  ])
  return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null }
}

/**
 * Asks the browser to keep this site's data under storage pressure (`navigator.storage.persist()`).
 * Chromium decides by itself (site engagement, installation); Firefox asks the person. Resolves to
 * whether storage is persistent now; never rejects.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = storageManager()
  if (!storage?.persist) return false
  try {
    return (await storage.persisted?.()) || (await storage.persist())
  } catch {
    return false
  }
}
