import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { clientsSinceLastVersion } from './versionList'

/** Who wrote what a new version holds beyond the latest one. */
export interface VersionAuthors {
  /** Their names, `self` always among them. */
  readonly authors: string[]
  /** Their Yjs client ids with their names. */
  readonly clients: [number, string][]
}

/**
 * The people whose edits `doc` holds beyond its latest version, as this peer knows them now (their
 * presence); people no longer present are left out, `self` (this peer's name) is always in.
 */
export function authorsSinceLastVersion(doc: Y.Doc, awareness: Awareness, self: string): VersionAuthors {
  const names = new Set<string>([self])
  const clients: [number, string][] = []
  const states = awareness.getStates()
  for (const client of clientsSinceLastVersion(doc)) {
    const user = client === doc.clientID ? { name: self } : (states.get(client) as { user?: { name?: unknown } } | undefined)?.user
    if (typeof user?.name !== 'string' || user.name.trim() === '') continue
    names.add(user.name)
    clients.push([client, user.name])
  }
  return { authors: [...names], clients }
}
