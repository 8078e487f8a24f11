import { Compartment, type Extension } from '@codemirror/state'
import { EditorView, keymap, type Command, type KeyBinding } from '@codemirror/view'

type SearchModule = typeof import('@codemirror/search')

let searchModule: Promise<SearchModule> | null = null
/** `@codemirror/search`, fetched once (a failed fetch may be retried). */
function loadSearch(): Promise<SearchModule> {
  searchModule ??= import('@codemirror/search').catch((error: unknown) => {
    searchModule = null
    throw error
  })
  return searchModule
}

/**
 * CodeMirror's search, loaded the first time it is used: the search panel (Ctrl/Cmd-F), find
 * next/previous (F3, Ctrl/Cmd-G), select matches (Ctrl/Cmd-Shift-L), go to line (Ctrl/Cmd-Alt-G),
 * select next occurrence (Ctrl/Cmd-D), and the highlighting of the selection's other occurrences.
 * It is responsible for binding those keys from the start: the first press loads the package,
 * installs `searchKeymap` and `highlightSelectionMatches`, then runs the command it stands for;
 * so does the first non-empty selection. It does not change what any of them does.
 *
 * The package is the largest part of the editor that most visits never use; loading it on
 * demand keeps it out of the JavaScript a first visit downloads (the service worker precaches it,
 * so it works offline too). If it cannot be fetched, the key does nothing.
 */
export function searchOnDemand(): Extension {
  const support = new Compartment()
  const installed = (view: EditorView): boolean => {
    const current = support.get(view.state)
    return !(Array.isArray(current) && current.length === 0)
  }
  const withSearch = (view: EditorView, then: (search: SearchModule) => void): void => {
    loadSearch().then(
      (search) => {
        // The view may have been destroyed while the package loaded.
        if (!view.dom.isConnected) return
        if (!installed(view)) view.dispatch({ effects: support.reconfigure([keymap.of(search.searchKeymap), search.highlightSelectionMatches()]) })
        then(search)
      },
      () => {},
    )
  }
  /** A key that loads search, then runs `command` of it; once search is installed, its own keymap answers. */
  const onDemand = (command: (search: SearchModule) => Command): Command => (view) => {
    if (installed(view)) return false
    withSearch(view, (search) => command(search)(view))
    return true
  }
  const bindings: KeyBinding[] = [
    { key: 'Mod-f', run: onDemand((s) => s.openSearchPanel), preventDefault: true },
    { key: 'F3', run: onDemand((s) => s.findNext), shift: onDemand((s) => s.findPrevious), preventDefault: true },
    { key: 'Mod-g', run: onDemand((s) => s.findNext), shift: onDemand((s) => s.findPrevious), preventDefault: true },
    { key: 'Mod-Shift-l', run: onDemand((s) => s.selectSelectionMatches) },
    { key: 'Mod-Alt-g', run: onDemand((s) => s.gotoLine) },
    { key: 'Mod-d', run: onDemand((s) => s.selectNextOccurrence), preventDefault: true },
  ]
  return [
    keymap.of(bindings),
    support.of([]),
    EditorView.updateListener.of((update) => {
      if (update.selectionSet && !update.state.selection.main.empty && !installed(update.view)) withSearch(update.view, () => {})
    }),
  ]
}
