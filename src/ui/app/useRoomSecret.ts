import { useSyncExternalStore } from 'react'
import { createRoomSecret, roomSecretFromHash } from '../../room/roomLink'

/**
 * Makes sure the page is in a room: with no fragment, creates a secret and puts it in the URL
 * with `replaceState` (no reload, no extra history entry). Returns the secret.
 */
export function ensureRoomInUrl(): string {
  const existing = roomSecretFromHash(window.location.hash)
  if (existing !== null) return existing
  const secret = createRoomSecret()
  window.history.replaceState(window.history.state, '', `#${secret}`)
  return secret
}

function subscribe(onChange: () => void): () => void {
  const handleHashChange = (): void => {
    ensureRoomInUrl()
    onChange()
  }
  window.addEventListener('hashchange', handleHashChange)
  return () => window.removeEventListener('hashchange', handleHashChange)
}

/** The secret of the room in the URL; a new link pasted into the address bar switches rooms. */
export function useRoomSecret(): string {
  return useSyncExternalStore(subscribe, ensureRoomInUrl)
}
