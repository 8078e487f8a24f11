import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { Session } from '../../session/openSession'
import { createEditor, type EditorHandle } from '../../editor/createEditor'
import type { ColorScheme } from '../../editor/editorTheme'
import type { EditorView } from '@codemirror/view'

interface Props {
  readonly session: Session
  readonly language: string
  readonly lineWrapping: boolean
  readonly colorScheme: ColorScheme
  /** Told the mounted view, and null when it goes (the Markdown preview follows it). */
  readonly onView?: (view: EditorView | null) => void
}

/** The empty document's hint on a read-only link. */
export const EMPTY_READ_ONLY_HINT = 'This document is empty. You have a read-only link: what the editors write appears here.'

export const EMPTY_DOCUMENT_HINT =
  'This document is empty. Start typing, and use "Copy link" to invite others: anyone with the link can edit with you.'

/**
 * The CodeMirror editor of a session. The view is mounted once per session; language, wrapping
 * and theme changes reconfigure it.
 */
export function EditorPane({ session, language, lineWrapping, colorScheme, onView }: Props) {
  const parent = useRef<HTMLDivElement>(null)
  const editor = useRef<EditorHandle | null>(null)
  // NOTE: the options the view is created with; later changes go through the effects below.
  const initial = useRef({ language, lineWrapping, colorScheme })
  /** The language whose highlighting is in effect, or failed to load (`data-language`). */
  const [loaded, setLoaded] = useState<{ id: string; state: 'ready' | 'failed' } | null>(null)

  // NOTE: a layout effect: the view is built in the task that renders the page, so its first frame
  // shows the text, and the network's events (joining the room) wait behind one task, not two.
  useLayoutEffect(() => {
    if (parent.current === null) return
    const handle = createEditor(parent.current, session.text, session.awareness, {
      ...initial.current,
      placeholder: session.access.canEdit ? EMPTY_DOCUMENT_HINT : EMPTY_READ_ONLY_HINT,
      readOnly: !session.access.canEdit,
    })
    editor.current = handle
    handle.view.focus()
    onView?.(handle.view)
    return () => {
      onView?.(null)
      handle.destroy()
      editor.current = null
    }
  }, [session, onView])

  useEffect(() => {
    let current = true
    // NOTE: a chunk can fail to load (a page left open across a deploy, offline): the text stays
    // editable, unhighlighted.
    editor.current?.setLanguage(language).then(
      () => current && setLoaded({ id: language, state: 'ready' }),
      (error: unknown) => {
        console.warn(`Meshpad: cannot load the ${language} language`, error)
        if (current) setLoaded({ id: language, state: 'failed' })
      },
    )
    return () => {
      current = false
    }
  }, [session, language])
  useEffect(() => {
    editor.current?.setLineWrapping(lineWrapping)
  }, [session, lineWrapping])
  useEffect(() => {
    editor.current?.setColorScheme(colorScheme)
  }, [session, colorScheme])

  return <div className="editor" ref={parent} data-language={loaded?.id} data-language-state={loaded?.state} />
}
