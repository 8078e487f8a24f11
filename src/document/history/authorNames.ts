import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { clientsSinceLastVersion } from './versionList'

/**
 * The names of the people whose edits `doc` holds beyond its latest version, as this peer knows
 * them now (their presence); people no longer present are left out, `self` is always in.
 */
export function authorNames(doc: Y.Doc, awareness: Awareness, self: string): string[] {
  const names = new Set<string>([self])
  const states = awareness.getStates()
  for (const client of clientsSinceLastVersion(doc)) {
    const user = (states.get(client) as { user?: { name?: unknown } } | undefined)?.user
    if (typeof user?.name === 'string' && user.name.trim() !== '') names.add(user.name)
  }
  return [...names]
}
