import { lazy, Suspense, type ComponentProps } from 'react'
import { useSlotView, type EditorViewSlot } from '../app/EditorViewSlot'

// The sanitiser and the pane load only when someone opens a preview (the worker, with
// markdown-it, only then too): the first load of the app stays as small as it was.
const PreviewPane = lazy(async () => ({ default: (await import('./PreviewPane')).PreviewPane }))

type Props = Omit<ComponentProps<typeof PreviewPane>, 'editorView'> & { readonly viewSlot: EditorViewSlot }

/** `PreviewPane`, loaded on first use, following the editor view in `viewSlot`. */
export function LazyPreviewPane({ viewSlot, ...props }: Props) {
  const editorView = useSlotView(viewSlot)
  return (
    <Suspense fallback={<section className="preview" aria-label="Preview" aria-busy="true" />}>
      <PreviewPane {...props} editorView={editorView} />
    </Suspense>
  )
}
