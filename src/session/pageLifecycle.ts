/**
 * When the page that holds a session goes away or comes back (the back/forward cache). A session
 * in Node has none.
 */
export interface PageLifecycle {
  /** Calls `listener` when the page is hidden for good or put in the back/forward cache. */
  onHide(listener: () => void): () => void
  /** Calls `listener` when a page comes back from the back/forward cache. */
  onRestore(listener: () => void): () => void
}

/** A page's `pagehide`/`pageshow`, where `beforeunload` may not fire (mobile, bfcache). */
export function windowLifecycle(target: Pick<Window, 'addEventListener' | 'removeEventListener'> = window): PageLifecycle {
  return {
    onHide(listener) {
      target.addEventListener('pagehide', listener)
      return () => target.removeEventListener('pagehide', listener)
    },
    onRestore(listener) {
      const handle = (event: PageTransitionEvent): void => {
        if (event.persisted) listener()
      }
      target.addEventListener('pageshow', handle)
      return () => target.removeEventListener('pageshow', handle)
    },
  }
}
