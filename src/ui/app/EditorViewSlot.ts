import { useSyncExternalStore } from 'react'
import type { EditorView } from '@codemirror/view'

/**
 * The mounted editor view, for whoever follows it (the Markdown preview). Setting it re-renders
 * only the components reading it, not the page: the editor mounts while the page joins its room.
 */
export class EditorViewSlot {
  private view: EditorView | null = null
  private readonly listeners = new Set<() => void>()

  readonly get = (): EditorView | null => this.view

  readonly set = (view: EditorView | null): void => {
    if (view === this.view) return
    this.view = view
    for (const listener of this.listeners) listener()
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

/** The slot's view, re-rendering when it changes. */
export function useSlotView(slot: EditorViewSlot): EditorView | null {
  return useSyncExternalStore(slot.subscribe, slot.get)
}
