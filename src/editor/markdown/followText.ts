import type * as Y from 'yjs'

/** How long a change may wait for an idle moment before it is handed on anyway. */
export const IDLE_TIMEOUT_MS = 100

/**
 * Calls `onText` with the whole text now, and again after changes (anyone's: local keys, remote
 * peers, undo), coalesced into one call when the page is next idle. It keeps the work of a
 * keystroke to setting a flag, so the frame that shows the key is not delayed.
 */
export function followText(text: Y.Text, onText: (text: string) => void): { destroy(): void } {
  let scheduled: number | null = null
  let destroyed = false
  const idle =
    typeof requestIdleCallback === 'function'
      ? { request: (run: () => void) => requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS }), cancel: cancelIdleCallback }
      : { request: (run: () => void) => window.setTimeout(run, 0), cancel: window.clearTimeout.bind(window) }
  const flush = (): void => {
    scheduled = null
    if (!destroyed) onText(text.toString())
  }
  const onChange = (): void => {
    if (scheduled === null && !destroyed) scheduled = idle.request(flush)
  }
  text.observe(onChange)
  onText(text.toString())
  return {
    destroy() {
      if (destroyed) return
      destroyed = true
      text.unobserve(onChange)
      if (scheduled !== null) idle.cancel(scheduled)
    },
  }
}
