import type * as Y from 'yjs'
import { whenIdle } from './whenIdle'

/** How long a change may wait for an idle moment before it is handed on anyway. */
export const IDLE_TIMEOUT_MS = 100
/** This person's own typing is handed on once they pause this long… */
export const LOCAL_PAUSE_MS = 250
/** …or, while they keep typing, this long after the first change not handed on. */
export const LOCAL_MAX_WAIT_MS = 1000

/**
 * Calls `onText` with the whole text now, and again after changes, coalesced. Other people's
 * changes (and anything not typed here: the stored copy loading, an import) are handed on at the
 * next idle moment. This person's own typing is handed on when they pause, or every
 * `LOCAL_MAX_WAIT_MS` while they type on: they are looking at the text, and a render between two
 * keys would compete with the next one. A keystroke itself costs a flag and a timer.
 */
export function followText(text: Y.Text, onText: (text: string) => void): { destroy(): void } {
  let cancelIdle: (() => void) | null = null
  let pause: ReturnType<typeof setTimeout> | null = null
  let firstLocal: number | null = null
  let destroyed = false

  const flush = (): void => {
    cancelIdle = null
    firstLocal = null
    if (pause !== null) clearTimeout(pause)
    pause = null
    if (!destroyed) onText(text.toString())
  }
  const soon = (): void => {
    cancelIdle ??= whenIdle(flush, IDLE_TIMEOUT_MS)
  }
  const onChange = (event: Y.YTextEvent): void => {
    if (destroyed || cancelIdle !== null) return
    if (!event.transaction.local) return soon()
    const now = Date.now()
    firstLocal ??= now
    if (pause !== null) clearTimeout(pause)
    pause = now - firstLocal >= LOCAL_MAX_WAIT_MS ? null : setTimeout(soon, LOCAL_PAUSE_MS)
    if (pause === null) soon()
  }
  text.observe(onChange)
  onText(text.toString())
  return {
    destroy() {
      if (destroyed) return
      destroyed = true
      text.unobserve(onChange)
      cancelIdle?.()
      if (pause !== null) clearTimeout(pause)
    },
  }
}
