import { lazy, Suspense, type ComponentProps } from 'react'

// NOTE: the sanitiser and the pane load only when someone opens a preview (the worker, with
// markdown-it, only then too): the first load of the app stays as small as it was.
const PreviewPane = lazy(async () => ({ default: (await import('./PreviewPane')).PreviewPane }))

/** `PreviewPane`, loaded on first use. */
export function LazyPreviewPane(props: ComponentProps<typeof PreviewPane>) {
  return (
    <Suspense fallback={<section className="preview" aria-label="Preview" aria-busy="true" />}>
      <PreviewPane {...props} />
    </Suspense>
  )
}
