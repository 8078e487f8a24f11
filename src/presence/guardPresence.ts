import type { Awareness } from 'y-protocols/awareness'
import { MAX_NAME_LENGTH, USER_COLORS } from './userIdentity'

const HEX_COLOR = /^#[0-9a-f]{6}$/i
const HEX_COLOR_LIGHT = /^#[0-9a-f]{8}$/i

/**
 * The `user` of someone else's presence, made safe to show: a name that is a bounded string, and
 * colors that are `#rrggbb` / `#rrggbbaa`. Anything else is replaced, never passed on.
 *
 * y-codemirror.next writes a person's colors into `style` attributes; a color like
 * `red; background-image: url(https://tracker.example/…)` would make every reader's browser load
 * a third party's URL.
 */
export function safeUser(user: unknown): { name: string; color: string; colorLight: string } {
  const { name, color, colorLight } = (typeof user === 'object' && user !== null ? user : {}) as Record<string, unknown>
  const safeColor = typeof color === 'string' && HEX_COLOR.test(color) ? color : (USER_COLORS[0] as string)
  return {
    name: typeof name === 'string' && name.trim() !== '' ? name.slice(0, MAX_NAME_LENGTH) : 'Anonymous',
    color: safeColor,
    colorLight: typeof colorLight === 'string' && HEX_COLOR_LIGHT.test(colorLight) ? colorLight : `${safeColor}33`,
  }
}

function isSafe(user: unknown): boolean {
  const safe = safeUser(user)
  const given = user as Record<string, unknown> | null
  return given !== null && typeof given === 'object' && given.name === safe.name && given.color === safe.color && given.colorLight === safe.colorLight
}

/**
 * Keeps other people's presence safe to show: whenever a state arrives, a `user` that is not
 * {@link safeUser} is replaced in this page's copy of the state, before any other listener (the
 * editor's cursors, the people list) reads it. Register it right after creating the awareness.
 * Returns the function that stops it.
 */
export function guardPresence(awareness: Awareness): () => void {
  const check = ({ added, updated }: { added: number[]; updated: number[] }): void => {
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue
      const state = awareness.getStates().get(clientId)
      if (state !== undefined && state.user !== undefined && !isSafe(state.user)) state.user = safeUser(state.user)
    }
  }
  // y-protocols emits `change` (states that changed) before `update` (every state received).
  awareness.on('change', check)
  awareness.on('update', check)
  return () => {
    awareness.off('change', check)
    awareness.off('update', check)
  }
}
