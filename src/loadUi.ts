import { loadDarkTheme } from './editor/darkTheme'

/** The UI's entry module: React, CodeMirror and the app, in chunks of their own. */
export type UiModule = typeof import('./ui/app/mountApp')

let loading: Promise<UiModule> | null = null

/**
 * Loads the UI's modules (once; later calls return the same promise). They are not part of the
 * page's first script: a first visit to a shared link needs none of them until its document is
 * worth showing, after the join, and compiling them meanwhile would take the main thread from the
 * signaling and WebRTC handshake. The UI's chunks import the first script's modules, so they are
 * evaluated only once that script has finished (after `untilWorthShowing`), however early the
 * load starts.
 */
export function loadUi(): Promise<UiModule> {
  // A dark first paint needs the editor's dark theme, which a light one never loads.
  if (window.matchMedia('(prefers-color-scheme: dark)').matches) void loadDarkTheme().catch(() => {})
  loading ??= import('./ui/app/mountApp')
  return loading
}
