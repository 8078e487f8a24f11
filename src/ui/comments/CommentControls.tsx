import { useEffect } from 'react'
import { preloadCommentsPanel } from './LazyCommentsPanel'
import { useCommentsState, type CommentsUi } from './useComments'

/**
 * "Comment" (on the editor's selection; Ctrl/⌘+Alt+M in the editor) and the toggle of the
 * comments panel, with the number of open threads. Readers get the toggle only.
 */
export function CommentControls({ ui, canComment }: { ui: CommentsUi; canComment: boolean }) {
  const state = useCommentsState(ui.attached)
  const open = state?.threads.filter((thread) => !thread.resolved).length ?? 0
  const any = (state?.threads.length ?? 0) > 0
  useEffect(() => {
    if (any) preloadCommentsPanel()
  }, [any])
  return (
    <>
      {canComment && (
        <button
          type="button"
          onMouseDown={(event) => event.preventDefault()}
          onClick={ui.startComment}
          aria-keyshortcuts="Control+Alt+M Meta+Alt+M"
          title="Comment on the selected words (Ctrl+Alt+M)"
        >
          Comment
        </button>
      )}
      <button type="button" className="comments-toggle" aria-pressed={ui.panelOpen} onClick={() => ui.setPanelOpen(!ui.panelOpen)}>
        Comments{open > 0 ? ` (${open})` : ''}
      </button>
    </>
  )
}
