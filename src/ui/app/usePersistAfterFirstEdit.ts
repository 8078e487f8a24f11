import { useEffect, useRef } from 'react'
import type { Session } from '../../session/openSession'
import { requestPersistentStorage } from '../../storage/persistentStorage'

/**
 * Asks the browser to keep this site's storage (`navigator.storage.persist()`) after the first
 * change to a document in this page, not on load. Some browsers (Firefox) ask the person;
 * a page that was only looked at has nothing worth the question yet.
 */
export function usePersistAfterFirstEdit(session: Session): void {
  const asked = useRef(false)
  useEffect(() => {
    if (asked.current) return
    let loaded = false
    const handleUpdate = (): void => {
      if (!loaded || asked.current) return
      asked.current = true
      session.doc.off('update', handleUpdate)
      void requestPersistentStorage()
    }
    void session.whenLocalLoaded.then(() => {
      loaded = true
    })
    session.doc.on('update', handleUpdate)
    return () => session.doc.off('update', handleUpdate)
  }, [session])
}
