import { useEffect, useRef, useState } from 'react'
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
 * The longest the editor waits for the session's stored copy before it mounts without it (a new
 * room's database can take a few hundred ms to create in a browser's first visit).
 */
export const EDITOR_WAITS_FOR_COPY_MS = 300

/**
 * The CodeMirror editor of a session. The view is mounted once per session; language, wrapping
 * and theme changes reconfigure it.
 *
 * NOTE: it mounts once the stored copy is in the document (or after `EDITOR_WAITS_FOR_COPY_MS`),
 * so CodeMirror starts with the whole text: the binding then translates no insertion of the whole
 * document into an editor change, and nothing runs ahead of reading the stored copy.
 */
export function EditorPane({ session, language, lineWrapping, colorScheme, onView }: Props) {
  const parent = useRef<HTMLDivElement>(null)
  const [editor, setEditor] = useState<EditorHandle | null>(null)
  // NOTE: the options the view is created with, as they are when it mounts; later changes go
  // through the effects below.
  const latest = useRef({ language, lineWrapping, colorScheme })
  useEffect(() => {
    latest.current = { language, lineWrapping, colorScheme }
  }, [language, lineWrapping, colorScheme])
  /** The language whose highlighting is in effect, or failed to load (`data-language`). */
  const [loaded, setLoaded] = useState<{ id: string; state: 'ready' | 'failed' } | null>(null)

  useEffect(() => {
    const container = parent.current
    if (container === null) return
    let handle: EditorHandle | null = null
    let gone = false
    const mount = (): void => {
      if (gone || handle !== null) return
      handle = createEditor(container, session.text, session.awareness, {
        ...latest.current,
        placeholder: session.access.canEdit ? EMPTY_DOCUMENT_HINT : EMPTY_READ_ONLY_HINT,
        readOnly: !session.access.canEdit,
      })
      setEditor(handle)
      handle.view.focus()
      onView?.(handle.view)
    }
    const timer = setTimeout(mount, EDITOR_WAITS_FOR_COPY_MS)
    void session.whenLocalLoaded.then(mount)
    return () => {
      gone = true
      clearTimeout(timer)
      if (handle === null) return
      onView?.(null)
      handle.destroy()
      setEditor(null)
    }
  }, [session, onView])

  useEffect(() => {
    if (editor === null) return
    let current = true
    // NOTE: a chunk can fail to load (a page left open across a deploy, offline): the text stays
    // editable, unhighlighted.
    editor.setLanguage(language).then(
      () => current && setLoaded({ id: language, state: 'ready' }),
      (error: unknown) => {
        console.warn(`Meshpad: cannot load the ${language} language`, error)
        if (current) setLoaded({ id: language, state: 'failed' })
      },
    )
    return () => {
      current = false
    }
  }, [editor, language])
  useEffect(() => {
    editor?.setLineWrapping(lineWrapping)
  }, [editor, lineWrapping])
  useEffect(() => {
    editor?.setColorScheme(colorScheme)
  }, [editor, colorScheme])

  return <div className="editor" ref={parent} data-language={loaded?.id} data-language-state={loaded?.state} />
}
