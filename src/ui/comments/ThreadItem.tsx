import { memo, useState } from 'react'
import type { Comments, CommentView, ThreadView } from '../../document/comments/Comments'
import { CommentComposer } from './CommentComposer'

interface Props {
  readonly thread: ThreadView
  readonly store: Comments
  readonly canComment: boolean
  readonly active: boolean
  /** Scrolls the editor to the thread's words and selects them. */
  readonly onChoose: (thread: ThreadView) => void
}

// One formatter for every comment: making one per call costs more than the rest of a comment.
const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

function when(at: number): string {
  return WHEN.format(at)
}

function CommentItem({ comment, store, canComment }: { comment: CommentView; store: Comments; canComment: boolean }) {
  const [editing, setEditing] = useState(false)
  return (
    <li className="comment" data-testid="comment">
      <div className="comment-head">
        <span className="comment-author">{comment.name}</span>
        <time className="muted">
          {when(comment.at)}
        </time>
        {comment.editedAt !== null && !comment.deleted && <span className="muted">(edited)</span>}
      </div>
      {comment.deleted ? (
        <p className="comment-text muted">Comment deleted</p>
      ) : editing ? (
        <CommentComposer
          label="Edit comment"
          submit="Save"
          initial={comment.text}
          autoFocus
          onSubmit={async (text) => {
            await store.edit(comment.id, text)
            setEditing(false)
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <p className="comment-text">{comment.text}</p>
      )}
      {comment.mine && canComment && !comment.deleted && !editing && (
        <div className="buttons">
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button type="button" onClick={() => void store.remove(comment.id)}>
            Delete
          </button>
        </div>
      )}
    </li>
  )
}

/** One thread: its words, its comments, and (for those who may comment) reply and resolve. */
export const ThreadItem = memo(function ThreadItem({ thread, store, canComment, active, onChoose }: Props) {
  const [replying, setReplying] = useState(false)
  const { place } = thread
  return (
    <li className="thread" data-testid="comment-thread" data-thread-id={thread.id} data-status={place.status} data-resolved={thread.resolved} aria-current={active ? 'true' : undefined}>
      <button type="button" className="thread-quote" onClick={() => onChoose(thread)} disabled={place.status === 'missing'} title="Show these words in the text">
        “{thread.quote}
        {thread.quote.length < thread.len ? '…' : ''}”
      </button>
      {place.status === 'deleted' && <p className="thread-note">On deleted text</p>}
      {place.status === 'missing' && <p className="thread-note">Its text is not in this copy of the document (yet)</p>}
      {thread.resolved && thread.statusBy && <p className="thread-note">Resolved by {thread.statusBy.name}</p>}
      <ol className="thread-comments">
        {thread.comments.map((comment) => (
          <CommentItem key={comment.id} comment={comment} store={store} canComment={canComment} />
        ))}
      </ol>
      {canComment && (
        <div className="thread-actions">
          {replying ? (
            <CommentComposer label="Reply" submit="Send reply" autoFocus onSubmit={(text) => store.reply(thread.id, text).then(() => setReplying(false))} onCancel={() => setReplying(false)} />
          ) : (
            <div className="buttons">
              {!thread.resolved && (
                <button type="button" onClick={() => setReplying(true)}>
                  Reply
                </button>
              )}
              <button type="button" onClick={() => void (thread.resolved ? store.reopen(thread.id) : store.resolve(thread.id))}>
                {thread.resolved ? 'Reopen' : 'Resolve'}
              </button>
            </div>
          )}
        </div>
      )}
    </li>
  )
})
