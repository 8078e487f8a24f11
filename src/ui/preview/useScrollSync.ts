import { useEffect } from 'react'
import type { EditorView } from '@codemirror/view'
import type { PreviewView } from '../../editor/markdown/PreviewView'

/** The source line at the top of the editor's visible area, 0-based and fractional. */
export function topSourceLine(editorView: EditorView): number {
  const height = editorView.scrollDOM.getBoundingClientRect().top - editorView.documentTop
  const block = editorView.lineBlockAtHeight(Math.max(0, height))
  const line = editorView.state.doc.lineAt(block.from).number - 1
  return line + Math.min(1, Math.max(0, (height - block.top) / Math.max(1, block.height)))
}

/**
 * Scrolling the text scrolls the preview to the same place (text → preview only, so the two
 * never chase each other). At most once a frame; the end of the text shows the end of the preview.
 */
export function useScrollSync(editorView: EditorView | null, preview: PreviewView | null): void {
  useEffect(() => {
    if (editorView === null || preview === null) return
    const scroller = editorView.scrollDOM
    let frame: number | null = null
    let correction: number | null = null
    const sync = (): void => {
      frame = null
      if (scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 2 && scroller.scrollTop > 0) {
        preview.root.scrollTop = preview.root.scrollHeight
      } else {
        const line = topSourceLine(editorView)
        preview.scrollToLine(line)
        // Blocks scrolled into view are laid out only now (content-visibility): their real
        // heights move the target, so aim once more on the next frame.
        correction = requestAnimationFrame(() => preview.scrollToLine(line))
      }
    }
    const onScroll = (): void => {
      frame ??= requestAnimationFrame(sync)
    }
    scroller.addEventListener('scroll', onScroll, { passive: true })
    return () => {
      scroller.removeEventListener('scroll', onScroll)
      if (frame !== null) cancelAnimationFrame(frame)
      if (correction !== null) cancelAnimationFrame(correction)
    }
  }, [editorView, preview])
}
