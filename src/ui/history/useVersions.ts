import { useCallback, useRef, useSyncExternalStore } from 'react'
import type { Version } from '../../document/history/versionEntry'
import { listVersions, versionsArray } from '../../document/history/versionList'
import type { Session } from '../../session/openSession'

const NONE: readonly Version[] = []

/**
 * The versions of the session's document, oldest first, while `active`; nothing is read or
 * observed otherwise. The list is read again only when the versions change, never on a
 * keystroke.
 */
export function useVersions(session: Session, active: boolean): readonly Version[] {
  const cache = useRef<{ key: unknown; versions: readonly Version[] }>({ key: null, versions: NONE })
  const version = useRef(0)
  const subscribe = useCallback(
    (onChange: () => void) => {
      if (!active) return () => {}
      const versions = versionsArray(session.doc)
      const observer = (): void => {
        version.current++
        onChange()
      }
      versions.observe(observer)
      return () => versions.unobserve(observer)
    },
    [session, active],
  )
  const snapshot = (): readonly Version[] => {
    if (!active) return NONE
    const key = `${String(session.topic)}/${version.current}`
    if (cache.current.key !== key) cache.current = { key, versions: listVersions(session.doc) }
    return cache.current.versions
  }
  return useSyncExternalStore(subscribe, snapshot)
}
