import { useCallback, useEffect, useState } from 'react'
import { readStorageInfo, requestPersistentStorage, type StorageInfo } from '../../storage/persistentStorage'

/**
 * Whether storage is persistent and how much is used, read while `active`; `persist()` asks the
 * browser again and re-reads.
 */
export function useStorageInfo(active: boolean): { info: StorageInfo | null; persist: () => void } {
  const [info, setInfo] = useState<StorageInfo | null>(null)
  const [reads, setReads] = useState(0)
  useEffect(() => {
    if (!active) return
    let current = true
    void readStorageInfo().then((next) => current && setInfo(next))
    return () => {
      current = false
    }
  }, [active, reads])
  const persist = useCallback(() => {
    void requestPersistentStorage().then(() => setReads((n) => n + 1))
  }, [])
  return { info, persist }
}
