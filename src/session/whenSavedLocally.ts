import type { SessionStatus } from './sessionStatus'

/** How long `whenSavedLocally` waits for IndexedDB before it gives up. */
export const SAVE_WAIT_MS = 10_000

/**
 * Resolves `true` once IndexedDB holds every edit the session has seen (its storage is `saved`),
 * `false` if storing failed, or did not finish within `timeout` ms. Used before anything that
 * would drop the page's memory (a reload for an update).
 */
export function whenSavedLocally(
  session: { readonly status: SessionStatus; onStatus(listener: () => void): () => void },
  timeout = SAVE_WAIT_MS,
): Promise<boolean> {
  const settled = (): boolean | null =>
    session.status.storage === 'saved' ? true : session.status.storage === 'error' ? false : null
  const now = settled()
  if (now !== null) return Promise.resolve(now)
  return new Promise((resolve) => {
    const finish = (result: boolean): void => {
      clearTimeout(timer)
      unsubscribe()
      resolve(result)
    }
    const timer = setTimeout(() => finish(false), timeout)
    const unsubscribe = session.onStatus(() => {
      const result = settled()
      if (result !== null) finish(result)
    })
  })
}
