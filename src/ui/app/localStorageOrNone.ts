/** The page's localStorage, or undefined where the browser refuses it (some private modes). */
export function localStorageOrNone(): Storage | undefined {
  try {
    return window.localStorage
  } catch {
    return undefined
  }
}
