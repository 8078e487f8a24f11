import { lazy, Suspense, type ComponentProps } from 'react'

// NOTE: the panel loads the first time it opens, outside the first visit's JavaScript.
const CommentsPanel = lazy(async () => ({ default: (await import('./CommentsPanel')).CommentsPanel }))

/** `CommentsPanel`, loaded on first use. */
export function LazyCommentsPanel(props: ComponentProps<typeof CommentsPanel>) {
  return (
    <Suspense fallback={<aside className="comments-panel" aria-label="Comments" aria-busy="true" />}>
      <CommentsPanel {...props} />
    </Suspense>
  )
}
