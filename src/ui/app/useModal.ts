import { useEffect, useRef } from 'react'

/**
 * A native modal `<dialog>` shown while `open`: attach the returned ref to it. Escape, a close
 * button calling `ref.current.close()`, or `open` turning false all end in `onClose`.
 */
export function useModal(open: boolean, onClose: () => void) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog === null) return
    if (open && !dialog.open) dialog.showModal()
    if (!open && dialog.open) dialog.close()
  }, [open])
  useEffect(() => {
    const dialog = ref.current
    if (dialog === null) return
    dialog.addEventListener('close', onClose)
    return () => dialog.removeEventListener('close', onClose)
  }, [onClose])
  return ref
}
