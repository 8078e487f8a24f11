import { useCallback, useEffect, useRef, useState, type RefObject } from 'react'
import { EditorSelection } from '@codemirror/state'
import { EditorView } from '@codemirror/view'
import type { ThreadView } from '../../document/comments/Comments'
import { CommentComposer } from './CommentComposer'
import { ThreadItem } from './ThreadItem'
import { useCommentsState, type CommentsUi } from './useComments'
import type { EditorViewSlot } from '../app/EditorViewSlot'
import './comments.css'

/** Threads listed at first and added by each "Show more": a long list opens at once. */
const PAGE = 20

/** Moves focus to a thread just written, once it is listed (within a few frames). */
function focusWhenListed(list: RefObject<HTMLOListElement | null>, id: string, frames = 20): void {
  const quote = list.current?.querySelector<HTMLElement>(`[data-thread-id="${CSS.escape(id)}"] .thread-quote`)
  if (quote) quote.focus()
  else if (frames > 0) requestAnimationFrame(() => focusWhenListed(list, id, frames - 1))
}

interface Props {
  readonly ui: CommentsUi
  readonly viewSlot: EditorViewSlot
  readonly canComment: boolean
}

/**
 * The comments side panel (a bottom sheet below 700 px): the new thread being written, then the
 * threads in text order; resolved ones are hidden unless asked for. Choosing a thread selects its
 * words in the editor and scrolls to them; moving the cursor onto commented words marks their
 * thread here. Everything in it is plain text.
 */
export function CommentsPanel({ ui, viewSlot, canComment }: Props) {
  const [showResolved, setShowResolved] = useState(false)
  const [listed, setListed] = useState(PAGE)
  const list = useRef<HTMLOListElement>(null)
  const { attached, draft, active } = ui
  const state = useCommentsState(attached)
  const threads = state?.threads ?? []
  const resolved = threads.filter((thread) => thread.resolved).length
  const all = showResolved ? threads : threads.filter((thread) => !thread.resolved)
  // The chosen thread is always listed: after the threads shown so far when it is further on.
  const chosen = active === null ? -1 : all.findIndex((thread) => thread.id === active)
  const shown = chosen >= listed ? [...all.slice(0, listed), all[chosen]!] : all.slice(0, listed)

  const choose = useCallback(
    (thread: ThreadView) => {
      ui.setActive(thread.id)
      const view = viewSlot.get()
      if (view === null || thread.place.status === 'missing') return
      const length = view.state.doc.length
      const from = Math.min(thread.place.from, length)
      const to = Math.min(thread.place.to, length)
      view.dispatch({ selection: EditorSelection.range(from, to), effects: EditorView.scrollIntoView(from, { y: 'center' }) })
      view.focus()
    },
    [ui, viewSlot],
  )


  // The thread under the editor's cursor comes into view here.
  useEffect(() => {
    if (active === null) return
    list.current?.querySelector(`[data-thread-id="${CSS.escape(active)}"]`)?.scrollIntoView({ block: 'nearest' })
  }, [active])

  return (
    <aside className="comments-panel" aria-label="Comments">
      <header>
        <h2>
          Comments <span className="count">{threads.length - resolved}</span>
        </h2>
        <label className="toggle">
          <input type="checkbox" checked={showResolved} onChange={(event) => setShowResolved(event.target.checked)} />
          Show resolved ({resolved})
        </label>
        <button type="button" className="close" aria-label="Close comments" onClick={() => ui.setPanelOpen(false)}>
          ×
        </button>
      </header>
      {!canComment && <p className="comments-note">You have a read-only link: you can read comments, not add them. Ask for a comment link or an edit link to comment.</p>}
      {canComment && draft === 'empty' && (
        <p className="comments-note" role="status">
          Select some words in the text, then choose “Comment” (or press Ctrl+Alt+M).
        </p>
      )}
      {canComment && draft !== null && draft !== 'empty' && attached && (
        <section className="new-thread" aria-label="New comment">
          <p className="thread-quote-text">
            “{draft.anchor.quote}
            {draft.anchor.quote.length < draft.anchor.len ? '…' : ''}”
          </p>
          <CommentComposer
            label="Comment"
            submit="Add comment"
            autoFocus
            onSubmit={async (text) => {
              const id = await attached.store.addThreadAt(draft.anchor, text)
              ui.cancelDraft()
              if (id !== null) {
                ui.setActive(id)
                focusWhenListed(list, id)
              }
            }}
            onCancel={() => {
              ui.cancelDraft()
              viewSlot.get()?.focus()
            }}
          />
        </section>
      )}
      {state === null ? (
        <p className="muted comments-note">Loading comments…</p>
      ) : shown.length === 0 ? (
        <p className="muted comments-note">{threads.length === 0 ? 'No comments yet.' : 'No open comments.'}</p>
      ) : (
        <>
          <ol className="threads" ref={list}>
            {shown.map((thread) => (
              <ThreadItem key={thread.id} thread={thread} store={attached!.store} canComment={canComment} active={thread.id === active} onChoose={choose} />
            ))}
          </ol>
          {all.length > shown.length && (
            <button type="button" className="more-threads" onClick={() => setListed(listed + PAGE)}>
              Show more comments ({all.length - shown.length} more)
            </button>
          )}
        </>
      )}
    </aside>
  )
}
