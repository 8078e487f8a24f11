import { lazy, Suspense, type ComponentProps } from 'react'

// The panel loads when a document has comments or the panel opens, outside the first
// visit's JavaScript.
const loadPanel = () => import('./CommentsPanel')
const CommentsPanel = lazy(async () => ({ default: (await loadPanel()).CommentsPanel }))

/** Starts loading the panel's code ahead of its first opening (a document with comments). */
export function preloadCommentsPanel(): void {
  void loadPanel().catch(() => {
    // Offline with an old cache: opening the panel tries again and says so.
  })
}

/** `CommentsPanel`, loaded on first use. */
export function LazyCommentsPanel(props: ComponentProps<typeof CommentsPanel>) {
  return (
    <Suspense fallback={<aside className="comments-panel" aria-label="Comments" aria-busy="true" />}>
      <CommentsPanel {...props} />
    </Suspense>
  )
}
