import { Compartment, EditorState, type Extension } from '@codemirror/state'
import {
  crosshairCursor,
  drawSelection,
  dropCursor,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
  placeholder,
  rectangularSelection,
} from '@codemirror/view'
import { defaultKeymap, indentWithTab } from '@codemirror/commands'
import { bracketMatching, foldGutter, foldKeymap, indentOnInput } from '@codemirror/language'
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { editorTheme, type ColorScheme } from './editorTheme'
import { languageInfo } from './languages'
import { searchOnDemand } from './searchOnDemand'
import { steadyCursor } from './steadyCursor'
import { undoAcrossRestores } from './undoAcrossRestores'

export interface EditorOptions {
  readonly language: string
  readonly lineWrapping: boolean
  readonly colorScheme: ColorScheme
  /** The hint an empty document shows; null: none (yet). */
  readonly placeholder: string | null
  /** A reader's editor: it shows the text and cursors and accepts no input. */
  readonly readOnly?: boolean
}

/** A mounted editor. Its configuration changes through compartments; the view is never rebuilt. */
export interface EditorHandle {
  readonly view: EditorView
  readonly undoManager: Y.UndoManager
  /** Switches highlighting; the language's package is loaded on first use. */
  setLanguage(id: string): Promise<void>
  setLineWrapping(on: boolean): void
  setColorScheme(scheme: ColorScheme): void
  /** The hint an empty document shows; null: none. */
  setPlaceholder(text: string | null): void
  /** Idempotent. */
  destroy(): void
}

/**
 * Mounts CodeMirror on `parent`, bound to a shared text. It is responsible for the editing
 * surface: text, remote cursors and selections with names (yCollab), undo of one's own edits only
 * (Y.UndoManager; CodeMirror's `history()` would undo other people's text), search, brackets,
 * gutters. It does not own the text or the awareness: the session does.
 */
export function createEditor(
  parent: HTMLElement,
  text: Y.Text,
  awareness: Awareness,
  options: EditorOptions,
): EditorHandle {
  const language = new Compartment()
  const wrapping = new Compartment()
  const theme = new Compartment()
  const access = new Compartment()
  const hint = new Compartment()
  const undoManager = new Y.UndoManager(text)
  const stopUndoAcrossRestores = undoAcrossRestores(undoManager)

  const extensions: Extension[] = [
    lineNumbers(),
    highlightActiveLineGutter(),
    foldGutter(),
    highlightSpecialChars(),
    drawSelection(),
    steadyCursor(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    hint.of(options.placeholder === null ? [] : placeholder(options.placeholder)),
    keymap.of([
      ...yUndoManagerKeymap,
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...foldKeymap,
      indentWithTab,
    ]),
    // NOTE: search's keys rank below the keymap above.
    searchOnDemand(),
    yCollab(text, awareness, { undoManager }),
    language.of([]),
    wrapping.of(options.lineWrapping ? EditorView.lineWrapping : []),
    theme.of(editorTheme(options.colorScheme)),
    access.of(options.readOnly === true ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : []),
    EditorView.contentAttributes.of({ 'aria-label': 'Document text' }),
  ]

  const view = new EditorView({
    parent,
    state: EditorState.create({ doc: text.toString(), extensions }),
  })

  let destroyed = false
  let languageRequest = 0
  // NOTE: what the view is configured with (or, for the language, last asked for). Asking again
  // for the same is a no-op: a reconfiguration rebuilds the state's configuration and re-measures
  // the view, which the UI would otherwise pay again for every unchanged value it passes on.
  let languageWanted: { id: string; applied: Promise<void> } | null = null
  /** The language configured now; null: none yet (no highlighting, as plain text). */
  let shownLanguage: string | null = null
  let lineWrapping = options.lineWrapping
  let colorScheme = options.colorScheme
  let placeholderText = options.placeholder

  const handle: EditorHandle = {
    view,
    undoManager,
    setLanguage(id) {
      if (languageWanted?.id === id) return languageWanted.applied
      // NOTE: loads can finish out of order; only the latest request may reconfigure.
      const request = ++languageRequest
      const info = languageInfo(id)
      const applied = info.load().then((support) => {
        if (destroyed || request !== languageRequest) return
        // NOTE: the same language again, or plain text (no extension) in place of none, changes nothing.
        const nothing = Array.isArray(support) && support.length === 0
        if (info.id === shownLanguage || (shownLanguage === null && nothing)) {
          shownLanguage = info.id
          return
        }
        shownLanguage = info.id
        view.dispatch({ effects: language.reconfigure(support) })
      })
      // A failed load may be retried by asking again.
      languageWanted = { id, applied }
      applied.catch(() => {
        if (languageWanted?.applied === applied) languageWanted = null
      })
      return applied
    },
    setLineWrapping(on) {
      if (destroyed || on === lineWrapping) return
      lineWrapping = on
      view.dispatch({ effects: wrapping.reconfigure(on ? EditorView.lineWrapping : []) })
    },
    setColorScheme(scheme) {
      if (destroyed || scheme === colorScheme) return
      colorScheme = scheme
      view.dispatch({ effects: theme.reconfigure(editorTheme(scheme)) })
    },
    setPlaceholder(text) {
      if (destroyed || text === placeholderText) return
      placeholderText = text
      view.dispatch({ effects: hint.reconfigure(text === null ? [] : placeholder(text)) })
    },
    destroy() {
      if (destroyed) return
      destroyed = true
      view.destroy()
      stopUndoAcrossRestores()
      undoManager.destroy()
    },
  }
  handle.setLanguage(options.language).catch(() => {
    // NOTE: reported by whoever asks for this language (the UI asks for it too); the text stays editable.
  })
  return handle
}
