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
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { closeBracketsOnDemand } from './closeBracketsOnDemand'
import { loadDarkTheme, loadedDarkTheme } from './darkTheme'
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
  /** Whether the text can be changed here (a reader's editor, or one whose room is moving, cannot). */
  setReadOnly(on: boolean): void
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
  const readOnlyExtension = (on: boolean): Extension =>
    on ? [EditorState.readOnly.of(true), EditorView.editable.of(false), EditorView.contentAttributes.of({ tabindex: '0' })] : []
  let destroyed = false
  // Asking again for the value the view has is a no-op: a reconfiguration rebuilds the
  // state's configuration and re-measures the view, which the UI would otherwise pay for every
  // unchanged value it passes on.
  const wrapping = valueOption(options.lineWrapping, (on: boolean) => (on ? EditorView.lineWrapping : []))
  const theme = valueOption(options.colorScheme, editorTheme)
  const hint = valueOption(options.placeholder, (text: string | null) => (text === null ? [] : placeholder(text)))
  const access = valueOption(options.readOnly === true, readOnlyExtension)
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
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    hint.extension,
    // Its Backspace ranks above the default one below.
    closeBracketsOnDemand(),
    keymap.of([
      ...yUndoManagerKeymap,
      ...defaultKeymap,
      ...foldKeymap,
      indentWithTab,
    ]),
    // Search's keys rank below the keymap above.
    searchOnDemand(),
    yCollab(text, awareness, { undoManager }),
    language.of([]),
    wrapping.extension,
    theme.extension,
    // A reader's editor stays focusable, so the keyboard can move and select in it (to copy, or to comment with a comment link).
    access.extension,
    EditorView.contentAttributes.of({ 'aria-label': 'Document text' }),
  ]

  /**
   * A compartment holding one value's extension; `set` reconfigures only when the value changes.
   * `set` is called only once the view below exists.
   */
  function valueOption<T>(initial: T, toExtension: (value: T) => Extension) {
    const compartment = new Compartment()
    let current = initial
    return {
      extension: compartment.of(toExtension(initial)),
      set(value: T): void {
        if (destroyed || value === current) return
        current = value
        view.dispatch({ effects: compartment.reconfigure(toExtension(value)) })
      },
      /** Builds the current value's extension again (it may have loaded meanwhile). */
      refresh(): void {
        if (!destroyed) view.dispatch({ effects: compartment.reconfigure(toExtension(current)) })
      },
    }
  }

  const view = new EditorView({
    parent,
    state: EditorState.create({ doc: text.toString(), extensions }),
  })

  /** Shows the dark theme once it has loaded, if it has not yet (see `editorTheme`). */
  function whenDarkThemeLoaded(): void {
    if (loadedDarkTheme() === null) void loadDarkTheme().then(theme.refresh, () => {})
  }
  if (options.colorScheme === 'dark') whenDarkThemeLoaded()

  /** The language last asked for (while it loads, and after); asking for it again is a no-op. */
  let languageWanted: { id: string; applied: Promise<void> } | null = null
  /** The language configured now; null: none yet (no highlighting, as plain text). */
  let shownLanguage: string | null = null

  const handle: EditorHandle = {
    view,
    undoManager,
    setLanguage(id) {
      if (languageWanted?.id === id) return languageWanted.applied
      const info = languageInfo(id)
      const wanted: { id: string; applied: Promise<void> } = {
        id,
        applied: info.load().then((support) => {
          // Loads can finish out of order; only the latest request may reconfigure.
          if (destroyed || languageWanted !== wanted) return
          // The same language again, or plain text (no extension) in place of none, changes nothing.
          const nothing = Array.isArray(support) && support.length === 0
          if (info.id === shownLanguage || (shownLanguage === null && nothing)) {
            shownLanguage = info.id
            return
          }
          shownLanguage = info.id
          view.dispatch({ effects: language.reconfigure(support) })
        }),
      }
      languageWanted = wanted
      // A failed load may be retried by asking again.
      wanted.applied.catch(() => {
        if (languageWanted === wanted) languageWanted = null
      })
      return wanted.applied
    },
    setLineWrapping: wrapping.set,
    setColorScheme(scheme) {
      theme.set(scheme)
      if (scheme === 'dark') whenDarkThemeLoaded()
    },
    setPlaceholder: hint.set,
    setReadOnly: access.set,
    destroy() {
      if (destroyed) return
      destroyed = true
      view.destroy()
      stopUndoAcrossRestores()
      undoManager.destroy()
    },
  }
  handle.setLanguage(options.language).catch(() => {
    // Reported by whoever asks for this language (the UI asks for it too); the text stays editable.
  })
  return handle
}
