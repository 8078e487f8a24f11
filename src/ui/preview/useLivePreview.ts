import { useEffect, useState, type RefObject } from 'react'
import { highlightingFor } from '@codemirror/language'
import type { EditorView } from '@codemirror/view'
import { classHighlighter, type Highlighter } from '@lezer/highlight'
import type { Session } from '../../session/openSession'
import { createPreviewSanitizer } from '../../editor/markdown/createPreviewSanitizer'
import { followText } from '../../editor/markdown/followText'
import { PreviewView } from '../../editor/markdown/PreviewView'
import { WorkerMarkdownRenderer } from '../../editor/markdown/WorkerMarkdownRenderer'
import { whenIdle } from '../../editor/markdown/whenIdle'
import type { BlocksPatch } from '../../editor/markdown/diffBlocks'

/** Longest a rendered patch waits for an idle moment before it is shown anyway. */
const APPLY_TIMEOUT_MS = 50

/** What the preview shows besides the document. */
export interface LivePreview {
  readonly view: PreviewView | null
  /** Hosts whose images wait for the person's consent. */
  readonly blockedHosts: readonly string[]
  /** The last render failure, until a render succeeds. */
  readonly error: string | null
}

/** The classes the editor's active highlighters give: code in the preview is coloured like the editor. */
function editorHighlighter(editorView: EditorView | null): Highlighter {
  if (editorView === null) return classHighlighter
  return { style: (tags) => highlightingFor(editorView.state, tags) }
}

/**
 * Mounts a live preview of the session's text into `root`: rendered in a worker, sanitised and
 * patched in here block by block, following every change to the text. Everything it creates is
 * destroyed when the session, the root or the editor changes, or on unmount.
 */
export function useLivePreview(session: Session, root: RefObject<HTMLElement | null>, editorView: EditorView | null): LivePreview {
  const [state, setState] = useState<LivePreview>({ view: null, blockedHosts: [], error: null })

  useEffect(() => {
    const element = root.current
    if (element === null) return
    const view = new PreviewView(element, {
      sanitizer: createPreviewSanitizer(window),
      highlighter: () => editorHighlighter(editorView),
      // The first update always reports, so this view replaces any earlier one here.
      onBlockedHosts: (blockedHosts) => setState((prev) => ({ view, blockedHosts, error: prev.view === view ? prev.error : null })),
    })
    // Patches wait for an idle moment too, so a render finishing while someone types is
    // not applied in the middle of a keystroke's frame; they are applied in order, all at once.
    const pending: BlocksPatch[] = []
    let cancelApply: (() => void) | null = null
    let failed = false
    const apply = (): void => {
      cancelApply = null
      for (const patch of pending.splice(0)) view.applyPatch(patch)
      // React is told only when an error goes away: a keystroke's patch re-renders nothing.
      if (failed) setState((prev) => ({ ...prev, error: null }))
      failed = false
    }
    const renderer = new WorkerMarkdownRenderer({
      onPatch: (patch) => {
        pending.push(patch)
        cancelApply ??= whenIdle(apply, APPLY_TIMEOUT_MS)
      },
      onError: (error) => {
        failed = true
        setState((prev) => ({ ...prev, error }))
      },
    })
    const follower = followText(session.text, (text) => renderer.render(text))
    return () => {
      follower.destroy()
      renderer.destroy()
      cancelApply?.()
      view.destroy()
    }
  }, [session, root, editorView])

  return state
}
