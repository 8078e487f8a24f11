import { useEffect, useState } from 'react'
import type { Session } from '../../session/openSession'

export interface Person {
  readonly clientId: number
  readonly name: string
  readonly color: string
  readonly isSelf: boolean
}

function readPeople(session: Session): Person[] {
  const people: Person[] = []
  session.awareness.getStates().forEach((state, clientId) => {
    const user = state.user as { name?: unknown; color?: unknown } | undefined
    if (typeof user?.name !== 'string' || typeof user.color !== 'string') return
    people.push({ clientId, name: user.name, color: user.color, isSelf: clientId === session.doc.clientID })
  })
  // Yourself first, then by name, so the list does not reshuffle as cursors move.
  return people.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name) || a.clientId - b.clientId)
}

function samePeople(a: readonly Person[], b: readonly Person[]): boolean {
  return a.length === b.length && a.every((p, i) => {
    const q = b[i]
    return q !== undefined && p.clientId === q.clientId && p.name === q.name && p.color === q.color
  })
}

/** The people in the room (awareness states with a user), yourself first. */
export function usePeople(session: Session | null): readonly Person[] {
  const [people, setPeople] = useState<readonly Person[]>([])
  useEffect(() => {
    if (session === null) return
    // NOTE: awareness `change` fires on joins, leaves and renames, not on every cursor move.
    const refresh = (): void => setPeople((prev) => {
      const next = readPeople(session)
      return samePeople(prev, next) ? prev : next
    })
    refresh()
    session.awareness.on('change', refresh)
    return () => session.awareness.off('change', refresh)
  }, [session])
  return session === null ? [] : people
}
