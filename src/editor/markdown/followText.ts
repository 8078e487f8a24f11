import type * as Y from 'yjs'

/** How long a change may wait for an idle moment before it is handed on anyway. */
export const IDLE_TIMEOUT_MS = 100

/**
 * Calls `onText` with the whole text now, and again after changes (anyone's: local keys, remote
 * peers, undo), coalesced into one call when the page is next idle. It keeps the work of a
 * keystroke to setting a flag, so the frame that shows the key is not delayed.
 */
export function followText(text: Y.Text, onText: (text: string) => void): { destroy(): void } {
  let cancel: (() => void) | null = null
  let destroyed = false
  // NOTE: without requestIdleCallback (Node, Safari) the next task: still never inside the keystroke.
  const whenIdle = (run: () => void): (() => void) => {
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS })
      return () => cancelIdleCallback(handle)
    }
    const timer = setTimeout(run, 0)
    return () => clearTimeout(timer)
  }
  const flush = (): void => {
    cancel = null
    if (!destroyed) onText(text.toString())
  }
  const onChange = (): void => {
    if (cancel === null && !destroyed) cancel = whenIdle(flush)
  }
  text.observe(onChange)
  onText(text.toString())
  return {
    destroy() {
      if (destroyed) return
      destroyed = true
      text.unobserve(onChange)
      cancel?.()
    },
  }
}
