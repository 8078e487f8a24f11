import type { Extension } from '@codemirror/state'

let theme: Extension | null = null
let loading: Promise<Extension> | null = null

/**
 * CodeMirror's dark theme (`@codemirror/theme-one-dark`), loaded on demand: a page in the light
 * scheme never fetches it. `loadUi` starts the load with the UI's when the system is dark, so a
 * dark first paint has it. Imports nothing at run time, so the first script can hold it.
 */
export function loadDarkTheme(): Promise<Extension> {
  loading ??= import('@codemirror/theme-one-dark').then(
    (module) => (theme = module.oneDark),
    (error: unknown) => {
      // A failed fetch is retried on the next call.
      loading = null
      throw error
    },
  )
  return loading
}

/** The dark theme once loaded; null before. */
export function loadedDarkTheme(): Extension | null {
  return theme
}
