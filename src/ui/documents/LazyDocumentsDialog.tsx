import { useEffect, useState, type ComponentProps } from 'react'
import type { DocumentsDialog } from './DocumentsDialog'

type Dialog = typeof DocumentsDialog

let loading: Promise<Dialog> | null = null
/** The dialog's module, fetched once (a failed fetch may be retried). */
function loadDialog(): Promise<Dialog> {
  loading ??= import('./DocumentsDialog').then(
    (module) => module.DocumentsDialog,
    (error: unknown) => {
      loading = null
      throw error
    },
  )
  return loading
}

/**
 * "My documents", loaded the first time it opens. The dialog, the document file format and
 * its import and export are rarely used, so they stay out of the JavaScript a first visit loads
 * (the service worker precaches their chunk, so it opens offline too). If the chunk cannot be
 * fetched (e.g. a deploy removed it and no service worker kept it), the dialog does not open and
 * an alert says why; the next click tries again.
 */
export function LazyDocumentsDialog(props: ComponentProps<Dialog>) {
  const [Loaded, setLoaded] = useState<Dialog | null>(null)
  const [error, setError] = useState<string | null>(null)
  const { open, onClose } = props

  useEffect(() => {
    if (!open || Loaded !== null) return
    let cancelled = false
    loadDialog().then(
      (component) => {
        if (cancelled) return
        setError(null)
        setLoaded(() => component)
      },
      (reason: unknown) => {
        if (cancelled) return
        setError(`“My documents” could not be loaded (${reason instanceof Error ? reason.message : String(reason)}). Reload the page to try again.`)
        onClose()
      },
    )
    return () => {
      cancelled = true
    }
  }, [open, Loaded, onClose])

  if (Loaded !== null) return <Loaded {...props} />
  if (error === null) return null
  return (
    <div className="notice" role="alert">
      <span>{error}</span>
      <button type="button" onClick={() => setError(null)}>
        Dismiss
      </button>
    </div>
  )
}
