import { useCallback, useRef, useSyncExternalStore } from 'react'
import type { Session } from '../../session/openSession'
import { DEFAULT_LANGUAGE, readDocMeta, type DocMeta } from '../../document/docMeta'

const EMPTY: DocMeta = { title: '', language: DEFAULT_LANGUAGE }

/** The shared title and language of the session's document, updated as anyone changes them. */
export function useDocMeta(session: Session): DocMeta {
  const cache = useRef<DocMeta>(EMPTY)
  const subscribe = useCallback(
    (onChange: () => void) => {
      session.meta.observe(onChange)
      return () => session.meta.unobserve(onChange)
    },
    [session],
  )
  const snapshot = (): DocMeta => {
    const next = readDocMeta(session.doc)
    const prev = cache.current
    if (prev.title !== next.title || prev.language !== next.language) cache.current = next
    return cache.current
  }
  return useSyncExternalStore(subscribe, snapshot)
}
