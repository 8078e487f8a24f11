import { useEffect, useRef } from 'react'
import type { Session } from '../collab/openSession'
import { createEditor, type EditorHandle } from '../editor/createEditor'
import type { ColorScheme } from '../editor/editorTheme'

interface Props {
  readonly session: Session
  readonly language: string
  readonly lineWrapping: boolean
  readonly colorScheme: ColorScheme
}

export const EMPTY_DOCUMENT_HINT =
  'This document is empty. Start typing, and use "Copy link" to invite others: anyone with the link can edit with you.'

/**
 * The CodeMirror editor of a session. The view is mounted once per session; language, wrapping
 * and theme changes reconfigure it.
 */
export function EditorPane({ session, language, lineWrapping, colorScheme }: Props) {
  const parent = useRef<HTMLDivElement>(null)
  const editor = useRef<EditorHandle | null>(null)
  // NOTE: the options the view is created with; later changes go through the effects below.
  const initial = useRef({ language, lineWrapping, colorScheme })

  useEffect(() => {
    if (parent.current === null) return
    const handle = createEditor(parent.current, session.text, session.awareness, {
      ...initial.current,
      placeholder: EMPTY_DOCUMENT_HINT,
    })
    editor.current = handle
    handle.view.focus()
    return () => {
      handle.destroy()
      editor.current = null
    }
  }, [session])

  useEffect(() => {
    void editor.current?.setLanguage(language)
  }, [session, language])
  useEffect(() => {
    editor.current?.setLineWrapping(lineWrapping)
  }, [session, lineWrapping])
  useEffect(() => {
    editor.current?.setColorScheme(colorScheme)
  }, [session, colorScheme])

  return <div className="editor" ref={parent} />
}
