import { deriveRoomEncryptionKey } from '../network/roomEncryptionKey'
import { accessPassword, accessTopic, isDamagedV2Link, parseRoomAccess } from '../room/roomAccess'
import { EARLY_ROOM_KEY_EVENT } from '../session/earlySignaling'
import type { EarlyCopy, EarlyCopyRead } from '../storage/earlyCopy'
import { UPDATES_STORE, openRoomDatabase, roomDatabaseName } from '../storage/openRoomDatabase'
import { EARLY_HOLD_MS } from './earlyHoldMs'

/**
 * The page's early script `/early-copy.js` (a classic script of its own: the Content-Security-Policy
 * allows no inline one). While the app's script still loads it derives the room's topic and
 * signaling encryption key from the address, with the functions the session uses, and leaves the
 * key for the session and for `/early-signaling.js`'s announce (`window.__meshpadEarlyRoomKey`,
 * then the `EARLY_ROOM_KEY_EVENT`); and it opens the room's database and reads its stored copy
 * (`window.__meshpadEarlyCopy`), so that a document opened before is in the editor's first state.
 * src/storage/earlyCopy.ts and src/session/earlySignaling.ts hand both to the session.
 *
 * It does nothing on an insecure origin (where the app stops), without a room in the address, or
 * for a damaged edit or read-only link (which opens nothing: `isDamagedV2Link`).
 */
function start(): void {
  if (!window.isSecureContext || typeof indexedDB === 'undefined' || typeof crypto === 'undefined' || !crypto.subtle) return
  const fragment = window.location.hash.slice(1)
  if (fragment === '' || isDamagedV2Link(fragment)) return
  const room = parseRoomAccess(fragment)
  const topic = accessTopic(room)
  window.__meshpadEarlyRoomKey = {
    fragment,
    topic: Promise.resolve(topic),
    key: deriveRoomEncryptionKey(accessPassword(room), topic).catch(() => null),
  }
  if (typeof window.dispatchEvent === 'function') window.dispatchEvent(new Event(EARLY_ROOM_KEY_EVENT))
  window.__meshpadEarlyCopy = readStoredCopy(roomDatabaseName(topic))
}

/** Reads the database `name` as the session's store opens it; the read is null if that failed. */
function readStoredCopy(name: string): EarlyCopy {
  const read = new Promise<EarlyCopyRead | null>((resolve) => {
    const request = openRoomDatabase(name)
    request.onerror = () => resolve(null)
    request.onsuccess = () => {
      const db = request.result
      db.onversionchange = () => db.close()
      const store = db.transaction([UPDATES_STORE], 'readonly').objectStore(UPDATES_STORE)
      const values = store.getAll()
      const keys = store.getAllKeys()
      keys.onsuccess = () => resolve({ name, db, values: values.result, keys: keys.result })
      keys.onerror = () => {
        db.close()
        resolve(null)
      }
    }
  }).catch(() => null)
  const early: { result?: EarlyCopyRead | null; done: Promise<EarlyCopyRead | null> } = {
    done: read.then((result) => {
      early.result = result
      // Not taken in time (the app failed to start): nobody will use it.
      setTimeout(() => {
        if (window.__meshpadEarlyCopy !== early) return
        delete window.__meshpadEarlyCopy
        result?.db.close()
      }, EARLY_HOLD_MS)
      return result
    }),
  }
  return early
}

start()
