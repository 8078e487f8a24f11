import { StateEffect, StateField, type Extension } from '@codemirror/state'
import { EditorView, ViewPlugin, type ViewUpdate } from '@codemirror/view'

/** How long after the last edit or caret move the cursor starts blinking again. */
export const STEADY_CURSOR_MS = 600

const setSteady = StateEffect.define<boolean>()

const steady = StateField.define<boolean>({
  create: () => false,
  update(value, tr) {
    for (const effect of tr.effects) if (effect.is(setSteady)) return effect.value
    return value || tr.docChanged || tr.selection !== undefined
  },
  provide: (field) => EditorView.editorAttributes.from(field, (on): Record<string, string> => (on ? { class: 'cm-steadyCursor' } : {})),
})

/** Ends the steady state once nothing changed for STEADY_CURSOR_MS. */
const idleTimer = ViewPlugin.fromClass(
  class {
    private timer: ReturnType<typeof setTimeout> | null = null

    constructor(private readonly view: EditorView) {}

    update(update: ViewUpdate): void {
      if (!update.docChanged && !update.selectionSet) return
      if (this.timer !== null) clearTimeout(this.timer)
      this.timer = setTimeout(() => {
        this.timer = null
        this.view.dispatch({ effects: setSteady.of(false) })
      }, STEADY_CURSOR_MS)
    }

    destroy(): void {
      if (this.timer !== null) clearTimeout(this.timer)
    }
  },
)

/**
 * Keeps the drawn cursor steady while the text or the caret changes (someone types, here or
 * remotely), and lets it blink again once things are idle, as most editors do.
 *
 * `drawSelection` restarts its CSS blink animation on every selection change, and in Chromium a
 * restarted animation holds back the frame that shows the typed character. While steady, the
 * layer has no animation at all.
 */
export function steadyCursor(): Extension {
  return [steady, idleTimer, EditorView.theme({ '&.cm-steadyCursor .cm-cursorLayer': { animation: 'none !important' } })]
}
