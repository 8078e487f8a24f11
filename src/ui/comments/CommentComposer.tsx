import { useEffect, useRef, useState, type FormEvent } from 'react'
import { COMMENT_LIMITS } from '../../document/comments/commentLimits'

interface Props {
  /** The text area's accessible name ("Comment", "Reply", "Edit comment"). */
  readonly label: string
  /** The submit button's words. */
  readonly submit: string
  readonly initial?: string
  readonly autoFocus?: boolean
  /** Resolves once written; the text area empties then. */
  readonly onSubmit: (text: string) => Promise<unknown>
  readonly onCancel?: () => void
}

/**
 * A plain-text box for a comment, a reply or an edit: Ctrl/⌘+Enter sends, Escape cancels. The
 * text is bounded by `COMMENT_LIMITS.text`; it is never read as HTML anywhere.
 */
export function CommentComposer({ label, submit, initial = '', autoFocus = false, onSubmit, onCancel }: Props) {
  const [text, setText] = useState(initial)
  const [busy, setBusy] = useState(false)
  const area = useRef<HTMLTextAreaElement>(null)
  useEffect(() => {
    if (autoFocus) area.current?.focus()
  }, [autoFocus])

  const send = async (event?: FormEvent): Promise<void> => {
    event?.preventDefault()
    if (text.trim() === '' || busy) return
    setBusy(true)
    try {
      await onSubmit(text)
      setText('')
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="comment-composer" onSubmit={(event) => void send(event)}>
      <textarea
        ref={area}
        aria-label={label}
        value={text}
        maxLength={COMMENT_LIMITS.text}
        rows={2}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void send()
          if (event.key === 'Escape' && onCancel) {
            event.preventDefault()
            onCancel()
          }
        }}
      />
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy || text.trim() === ''}>
          {submit}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  )
}
