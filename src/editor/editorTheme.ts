import { EditorView } from '@codemirror/view'
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language'
import type { Extension } from '@codemirror/state'
import { loadDarkTheme, loadedDarkTheme } from './darkTheme'

export type ColorScheme = 'light' | 'dark'

/** Layout shared by both schemes: the editor fills its pane and uses the app's monospace font. */
const base = EditorView.theme({
  '&': { height: '100%', fontSize: '14px' },
  '.cm-scroller': { fontFamily: 'var(--mono-font)', lineHeight: '1.55' },
  '.cm-content': { padding: '12px 0' },
  // CodeMirror's own placeholder grey (#888) is below WCAG AA's 4.5:1 on a light background.
  '.cm-placeholder': { fontStyle: 'italic', color: 'var(--muted)' },
  // y-codemirror.next's name labels: always visible, so a glance tells who is where. White text on
  // the person's color (its default) is unreadable on light colors, and the color is whatever
  // their awareness says: the label takes the page's colors, framed in theirs (the caret's).
  '.cm-ySelectionInfo': {
    opacity: '1',
    fontFamily: 'var(--ui-font)',
    fontSize: '11px',
    padding: '0 4px',
    backgroundColor: 'var(--bg)',
    color: 'var(--fg)',
    border: '1px solid',
    borderColor: 'inherit',
  },
})

const light = [
  EditorView.theme({ '&': { backgroundColor: 'var(--bg)', color: 'var(--fg)' } }, { dark: false }),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
]

/**
 * The editor's look for a color scheme; swap it through a compartment, never a new view. The dark
 * one loads on demand (see `loadDarkTheme`): until it has, 'dark' starts its load and looks light,
 * and the caller asks again once `loadDarkTheme()` resolves.
 */
export function editorTheme(scheme: ColorScheme): Extension {
  if (scheme === 'light') return [base, light]
  const dark = loadedDarkTheme()
  if (dark === null) void loadDarkTheme().catch(() => {})
  return [base, dark ?? light]
}
