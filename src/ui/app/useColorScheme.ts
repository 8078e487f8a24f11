import { useSyncExternalStore } from 'react'
import type { ColorScheme } from '../../editor/editorTheme'

const QUERY = '(prefers-color-scheme: dark)'

function subscribe(onChange: () => void): () => void {
  const media = window.matchMedia(QUERY)
  media.addEventListener('change', onChange)
  return () => media.removeEventListener('change', onChange)
}

/** The system's color scheme, followed live. */
export function useColorScheme(): ColorScheme {
  return useSyncExternalStore(subscribe, () => (window.matchMedia(QUERY).matches ? 'dark' : 'light'))
}
