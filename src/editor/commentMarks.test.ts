// @vitest-environment jsdom
import { afterEach, describe, expect, test } from 'vitest'
import { StateEffect } from '@codemirror/state'
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { Comments } from '../document/comments/Comments'
import { commentRecords } from '../document/comments/commentRecords'
import { memoryDeviceKey } from '../presence/deviceKey'
import { commentMarks, setCommentMarks, threadAt } from './commentMarks'
import { createEditor, type EditorHandle } from './createEditor'

const handles: EditorHandle[] = []
afterEach(() => {
  for (const handle of handles.splice(0)) handle.destroy()
})

function editor(content: string) {
  const doc = new Y.Doc({ gc: false })
  const text = doc.getText('content')
  text.insert(0, content)
  const handle = createEditor(document.createElement('div'), text, new Awareness(doc), { language: 'plaintext', lineWrapping: true, colorScheme: 'light', placeholder: null })
  handles.push(handle)
  const events = { comment: 0, threads: [] as (string | null)[] }
  handle.view.dispatch({ effects: StateEffect.appendConfig.of(commentMarks({ onComment: () => events.comment++, onThreadAtCursor: (id) => events.threads.push(id) })) })
  return { doc, text, handle, view: handle.view, events }
}

function marks(view: EditorHandle['view']): string[] {
  return [...view.contentDOM.querySelectorAll('.cm-comment')].map((mark) => mark.textContent ?? '')
}

describe('commentMarks', () => {
  test('marks ranges, keeps them on their words through edits, and tells which thread the cursor is in', () => {
    const { view, events } = editor('alpha beta gamma')
    view.dispatch({ effects: setCommentMarks.of({ marks: [{ id: 't1', from: 6, to: 10 }], active: null }) })
    expect(marks(view)).toEqual(['beta'])
    view.dispatch({ changes: { from: 0, insert: 'zero ' } })
    view.dispatch({ changes: { from: 14, insert: 'a' } })
    expect(view.state.doc.toString()).toBe('zero alpha betaa gamma')
    expect(marks(view)).toEqual(['betaa'])
    view.dispatch({ selection: { anchor: 12 } })
    expect(threadAt(view, 12)).toBe('t1')
    view.dispatch({ selection: { anchor: 1 } })
    expect(events.threads).toEqual(['t1', null])
  })

  test('comments never enter the editor undo history: Ctrl-Z undoes typing only, the records stay', async () => {
    const { doc, text, handle, view } = editor('hello world')
    view.dispatch({ changes: { from: 11, insert: '!' } })
    handle.undoManager.stopCapturing()
    const comments = new Comments({ doc, text, writeDoc: doc, topic: 't'.repeat(64), device: memoryDeviceKey(), name: () => 'Ann' })
    try {
      await comments.addThread(0, 5, 'Greeting')
      expect(handle.undoManager.undoStack).toHaveLength(1)
      handle.undoManager.undo()
      expect(text.toString()).toBe('hello world')
      expect(handle.undoManager.canUndo()).toBe(false)
      expect(commentRecords(doc).length).toBe(1)
    } finally {
      comments.destroy()
    }
  })
})
