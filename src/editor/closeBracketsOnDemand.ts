import { Compartment, type Extension } from '@codemirror/state'
import { EditorView, keymap } from '@codemirror/view'

/**
 * CodeMirror's bracket closing (`closeBrackets` of `@codemirror/autocomplete`, with its Backspace
 * binding that deletes a pair), loaded on the first key pressed in the editor: a page that is only
 * looked at never fetches it, and the package stays out of the JavaScript a first visit
 * downloads (the service worker precaches it, so it works offline too). Place it before the keymap
 * it must rank above (Backspace). The key that starts the load is not itself handled by it.
 */
export function closeBracketsOnDemand(): Extension {
  const support = new Compartment()
  let requested = false
  return [
    support.of([]),
    EditorView.domEventHandlers({
      keydown(_event, view) {
        if (requested) return false
        requested = true
        import('@codemirror/autocomplete').then(
          ({ closeBrackets, closeBracketsKeymap }) => {
            // The view may have been destroyed while the package loaded.
            if (view.dom.isConnected) view.dispatch({ effects: support.reconfigure([closeBrackets(), keymap.of(closeBracketsKeymap)]) })
          },
          () => {
            // A failed fetch is retried on a later key.
            requested = false
          },
        )
        return false
      },
    }),
  ]
}
