import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import type { EditorView } from '@codemirror/view'
import type { EditorViewSlot } from '../app/EditorViewSlot'
import type { Session } from '../../session/openSession'
import type { CommentsState } from '../../document/comments/Comments'
import { commentAnchor, type CommentAnchor } from '../../document/comments/commentAnchor'
import type { AttachedComments } from './attachComments'

/** The words a new thread will be on, anchored when "Comment" was chosen (others may type meanwhile). */
export interface CommentDraft {
  readonly anchor: CommentAnchor
}

export interface CommentsUi {
  /** Null until the comments module has loaded. */
  readonly attached: AttachedComments | null
  readonly panelOpen: boolean
  setPanelOpen(open: boolean): void
  /** The new thread being written; 'empty': "Comment" was chosen with nothing selected. */
  readonly draft: CommentDraft | 'empty' | null
  /** Starts a thread on the editor's selection (opens the panel). */
  startComment(): void
  cancelDraft(): void
  /** The thread chosen in the panel or under the cursor. */
  readonly active: string | null
  setActive(id: string | null): void
}

const NO_STATE = (): null => null
const NO_SUBSCRIBE = (): (() => void) => () => {}

/**
 * The comments of `session` for the page: loads their module once the editor is mounted (not
 * in the first visit's JavaScript), and owns it until the session or the editor view changes.
 * It follows the view in `slot` without re-rendering the page when the view mounts.
 */
export function useComments(session: Session, slot: EditorViewSlot, userName: string): CommentsUi {
  const [attached, setAttached] = useState<AttachedComments | null>(null)
  const [panelOpen, setPanelOpen] = useState(false)
  const [draft, setDraft] = useState<CommentDraft | 'empty' | null>(null)
  const [active, setActiveState] = useState<string | null>(null)
  const name = useRef(userName)
  useEffect(() => {
    name.current = userName
  }, [userName])
  const canComment = session.access.canComment

  const startComment = useCallback(() => {
    const view = slot.get()
    if (view === null || !canComment) return
    const { from, to } = view.state.selection.main
    setPanelOpen(true)
    const anchor = commentAnchor(session.text, from, to)
    setDraft(anchor === null ? 'empty' : { anchor })
  }, [slot, canComment, session])
  const startRef = useRef(startComment)
  useEffect(() => {
    startRef.current = startComment
  }, [startComment])

  useEffect(() => {
    let current: AttachedComments | null = null
    let attachedTo: EditorView | null = null
    let gone = false
    const follow = (): void => {
      const view = slot.get()
      if (view === attachedTo) return
      current?.destroy()
      current = null
      attachedTo = view
      setAttached(null)
      if (view === null) return
      void import('./attachComments').then(({ attachComments }) => {
        if (gone || attachedTo !== view) return
        current = attachComments(session, view, () => name.current, {
          onComment: () => startRef.current(),
          onThreadAtCursor: setActiveState,
        })
        setAttached(current)
      })
    }
    const stop = slot.subscribe(follow)
    follow()
    return () => {
      gone = true
      stop()
      current?.destroy()
      setAttached(null)
      setDraft(null)
      setActiveState(null)
    }
  }, [session, slot])

  useEffect(() => attached?.setActive(active), [attached, active])

  const cancelDraft = useCallback(() => setDraft(null), [])
  return { attached, panelOpen, setPanelOpen, draft, startComment, cancelDraft, active, setActive: setActiveState }
}

/**
 * The comments' state, re-rendering only the component that reads it (the page does not
 * re-render when comments change); null until they are loaded.
 */
export function useCommentsState(attached: AttachedComments | null): CommentsState | null {
  const source = useMemo(
    () => (attached ? { subscribe: (listener: () => void) => attached.store.subscribe(listener), get: () => attached.store.state } : { subscribe: NO_SUBSCRIBE, get: NO_STATE }),
    [attached],
  )
  return useSyncExternalStore(source.subscribe, source.get)
}
