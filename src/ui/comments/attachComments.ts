import { StateEffect } from '@codemirror/state'
import type { EditorView } from '@codemirror/view'
import { Comments } from '../../document/comments/Comments'
import type { DeviceKey } from '../../presence/deviceKey'
import { pageDeviceIdentity } from '../../session/browserSession'
import type { Session } from '../../session/openSession'
import { commentMarks, setCommentMarks, type CommentMarksHandlers } from '../../editor/commentMarks'

/** A session's comments, attached to its editor; `destroy()` (idempotent) detaches and stops them. */
export interface AttachedComments {
  readonly store: Comments
  /** Marks the chosen thread in the editor. */
  setActive(id: string | null): void
  destroy(): void
}

/** A read-only link writes no comment. */
const NO_DEVICE_KEY: Promise<DeviceKey> = Promise.reject(new Error('a read-only link writes no comments'))
NO_DEVICE_KEY.catch(() => {})

/**
 * Opens the comments of `session` (this browser's device signing key, the page's one device
 * identity, signs what it writes) and marks their ranges in `view`. Loaded apart from the first visit's JavaScript.
 */
export function attachComments(session: Session, view: EditorView, name: () => string, handlers: CommentMarksHandlers): AttachedComments {
  const device = session.access.canComment ? pageDeviceIdentity().then((identity) => identity.signing) : NO_DEVICE_KEY
  const store = new Comments({ doc: session.doc, text: session.text, writeDoc: session.commentDoc, topic: session.topic, device, name })
  view.dispatch({ effects: StateEffect.appendConfig.of(commentMarks(handlers)) })
  let active: string | null = null
  let destroyed = false
  const mark = (): void => {
    if (destroyed) return
    const marks = store.state.threads.flatMap((thread) =>
      !thread.resolved && thread.place.status === 'anchored' ? [{ id: thread.id, from: thread.place.from, to: thread.place.to }] : [],
    )
    view.dispatch({ effects: setCommentMarks.of({ marks, active }) })
  }
  const stop = store.subscribe(mark)
  mark()
  return {
    store,
    setActive(id) {
      if (id === active) return
      active = id
      mark()
    },
    destroy() {
      if (destroyed) return
      destroyed = true
      stop()
      store.destroy()
      if (view.dom.isConnected) view.dispatch({ effects: setCommentMarks.of({ marks: [], active: null }) })
    },
  }
}
