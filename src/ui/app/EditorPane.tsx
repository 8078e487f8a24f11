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
 *
 * The view is built in the task that renders the pane (a layout effect), with what the document
 * holds then, and the UI is mounted only once the document is worth showing (see
 * `whenWorthShowing`): on a first visit to a shared link, once the first peer's copy is in, so
 * the editor is built with the text rather than empty. Until the stored copy is read, the
 * empty-document hint stays hidden: an empty editor then means "not read yet", never "this
 * document is empty".
 */
export function EditorPane({ session, language, lineWrapping, colorScheme, onView }: Props) {
  const parent = useRef<HTMLDivElement>(null)
  const [editor, setEditor] = useState<EditorHandle | null>(null)
  // The options the view is created with; later changes go through the effects below.
  const initial = useRef({ language, lineWrapping, colorScheme })
  /** The language whose highlighting is in effect, or failed to load (`data-language`). */
  const [loaded, setLoaded] = useState<{ id: string; state: 'ready' | 'failed' } | null>(null)

  useLayoutEffect(() => {
    const container = parent.current
    if (container === null) return
    const handle = createEditor(container, session.text, session.awareness, {
      ...initial.current,
      placeholder: null,
      readOnly: !session.access.canEdit,
    })
    let gone = false
    void session.whenLocalLoaded.then(() => {
      if (!gone) handle.setPlaceholder(session.access.canEdit ? EMPTY_DOCUMENT_HINT : EMPTY_READ_ONLY_HINT)
    })
    setEditor(handle)
    handle.view.focus()
    onView?.(handle.view)
    return () => {
      gone = true
      onView?.(null)
      handle.destroy()
      setEditor(null)
    }
  }, [session, onView])

  // While the room moves to a new link (a removal), nothing is typed into the room being left.
  useEffect(() => {
    const removal = session.removal
    if (editor === null || removal === null || !session.access.canEdit) return
    const follow = (): void => editor.setReadOnly(removal.moving && removal.move.kind !== 'removed')
    follow()
    return removal.onChange(follow)
  }, [editor, session])

  useEffect(() => {
    if (editor === null) return
    let current = true
    // A chunk can fail to load (a page left open across a deploy, offline): the text stays
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
