import { useCallback, useEffect, useState } from 'react'
import type { DocumentEntry, DocumentLibrary } from '../../library/DocumentLibrary'

export interface DocumentList {
  /** Null until first loaded. */
  readonly entries: readonly DocumentEntry[] | null
  readonly error: string | null
  /** When the list was read (ms since the epoch): "edited 5 minutes ago" counts from here. */
  readonly readAt: number
}

/** The documents stored in this browser, newest first, kept fresh while `active`. */
export function useDocumentList(library: DocumentLibrary, active: boolean): DocumentList {
  const [list, setList] = useState<DocumentList>({ entries: null, error: null, readAt: 0 })
  const load = useCallback(
    (isCurrent: () => boolean) => {
      library.list().then(
        (entries) => isCurrent() && setList({ entries, error: null, readAt: Date.now() }),
        (error: unknown) =>
          isCurrent() && setList({ entries: [], error: error instanceof Error ? error.message : String(error), readAt: Date.now() }),
      )
    },
    [library],
  )
  useEffect(() => {
    if (!active) return
    let current = true
    const isCurrent = () => current
    load(isCurrent)
    const unsubscribe = library.onChange(() => load(isCurrent))
    return () => {
      current = false
      unsubscribe()
    }
  }, [library, active, load])
  return list
}
