import { StateEffect, StateField, type Extension, type Range } from '@codemirror/state'
import { Decoration, EditorView, keymap, type DecorationSet } from '@codemirror/view'

/** A commented range to mark: a thread's id and where its words are. */
export interface CommentMark {
  readonly id: string
  readonly from: number
  readonly to: number
}

/** Replaces the marked ranges (and which thread is chosen), e.g. after the comments changed. */
export const setCommentMarks = StateEffect.define<{ readonly marks: readonly CommentMark[]; readonly active: string | null }>()

const field = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(marks, tr) {
    let next = marks.map(tr.changes)
    for (const effect of tr.effects) {
      if (!effect.is(setCommentMarks)) continue
      const length = tr.state.doc.length
      const ranges: Range<Decoration>[] = []
      for (const { id, from, to } of effect.value.marks) {
        const start = Math.min(from, length)
        const end = Math.min(to, length)
        if (end <= start) continue
        const className = id === effect.value.active ? 'cm-comment cm-comment-active' : 'cm-comment'
        ranges.push(Decoration.mark({ class: className, attributes: { 'data-thread': id } }).range(start, end))
      }
      next = Decoration.set(ranges, true)
    }
    return next
  },
  provide: (marks) => EditorView.decorations.from(marks),
})

const theme = EditorView.baseTheme({
  '&light .cm-comment': { backgroundColor: 'rgb(255 196 0 / 0.28)', borderBottom: '2px solid #b07d00' },
  '&dark .cm-comment': { backgroundColor: 'rgb(255 196 0 / 0.18)', borderBottom: '2px solid #e0b000' },
  '&light .cm-comment-active': { backgroundColor: 'rgb(255 170 0 / 0.5)' },
  '&dark .cm-comment-active': { backgroundColor: 'rgb(255 196 0 / 0.38)' },
})

/** The id of a marked thread under `pos` (the innermost, last started), or null. */
export function threadAt(view: EditorView, pos: number): string | null {
  let found: string | null = null
  view.state.field(field, false)?.between(pos, pos, (from, to, value) => {
    if (from <= pos && pos <= to) found = (value.spec.attributes as Record<string, string> | undefined)?.['data-thread'] ?? found
  })
  return found
}

export interface CommentMarksHandlers {
  /** The comment shortcut (Mod-Alt-m) was pressed. */
  readonly onComment: () => void
  /** The selection moved onto a marked thread's words (its id), or off them (null). */
  readonly onThreadAtCursor: (id: string | null) => void
}

/**
 * The comments' part of the editor: commented ranges marked (kept in place through every change
 * until the next `setCommentMarks`), the Mod-Alt-m shortcut, and telling which thread the cursor
 * is in. It never changes the text.
 */
export function commentMarks(handlers: CommentMarksHandlers): Extension {
  let last: string | null = null
  return [
    field,
    theme,
    keymap.of([{ key: 'Mod-Alt-m', preventDefault: true, run: () => (handlers.onComment(), true) }]),
    EditorView.updateListener.of((update) => {
      if (!update.selectionSet && !update.transactions.some((tr) => tr.effects.some((e) => e.is(setCommentMarks)))) return
      const id = threadAt(update.view, update.state.selection.main.head)
      if (id === last) return
      last = id
      handlers.onThreadAtCursor(id)
    }),
  ]
}
