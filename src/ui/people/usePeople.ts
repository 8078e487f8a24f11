import { useEffect, useState } from 'react'
import type { PeerPath } from '../../network/readPeerPath'
import type { Session } from '../../session/openSession'
import { sameButWriting } from '../../session/sessionStatus'

// One collator for every sort: `localeCompare` builds one per call, and the list is sorted
// on every presence change.
const byName = new Intl.Collator()

export interface Person {
  readonly clientId: number
  readonly name: string
  readonly color: string
  readonly isSelf: boolean
  /** An always-on peer (it publishes what it stores). */
  readonly alwaysOn: boolean
  /** How this page reaches them directly; undefined for yourself and for people reached only through others. */
  readonly path?: PeerPath
}

/**
 * People in the room (they announced themselves over signaling) whom no path reaches, so their
 * presence never arrived: listed as "Someone" with negative client ids, after everyone else.
 */
function unreachableStrangers(session: Session, paths: ReadonlyMap<string, { path: PeerPath }>): Person[] {
  const known = new Set<unknown>()
  session.awareness.getStates().forEach((state) => known.add(state.peerId))
  const strangers: Person[] = []
  paths.forEach((info, peerId) => {
    if (info.path === 'failed' && !known.has(peerId)) strangers.push({ clientId: -1 - strangers.length, name: 'Someone in the room', color: '#8a8f98', isSelf: false, alwaysOn: false, path: 'failed' })
  })
  return strangers
}

function readPeople(session: Session): Person[] {
  const people: Person[] = []
  const paths = session.peerPaths()
  session.awareness.getStates().forEach((state, clientId) => {
    const user = state.user as { name?: unknown; color?: unknown } | undefined
    if (typeof user?.name !== 'string' || typeof user.color !== 'string') return
    const path = typeof state.peerId === 'string' ? paths.get(state.peerId)?.path : undefined
    people.push({ clientId, name: user.name, color: user.color, isSelf: clientId === session.doc.clientID, alwaysOn: session.alwaysOn.isAlwaysOn(clientId), ...(path === undefined ? {} : { path }) })
  })
  // Yourself first, then by name, so the list does not reshuffle as cursors move.
  people.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || byName.compare(a.name, b.name) || a.clientId - b.clientId)
  return [...people, ...unreachableStrangers(session, paths)]
}

function samePeople(a: readonly Person[], b: readonly Person[]): boolean {
  return a.length === b.length && a.every((p, i) => {
    const q = b[i]
    return q !== undefined && p.clientId === q.clientId && p.name === q.name && p.color === q.color && p.alwaysOn === q.alwaysOn && p.path === q.path
  })
}

/** The people in the room (awareness states with a user), yourself first. */
export function usePeople(session: Session): readonly Person[] {
  const [people, setPeople] = useState<readonly Person[]>([])
  useEffect(() => {
    // Awareness `change` fires on joins, leaves and renames, not on every cursor move.
    const refresh = (): void => setPeople((prev) => {
      const next = readPeople(session)
      return samePeople(prev, next) ? prev : next
    })
    refresh()
    session.awareness.on('change', refresh)
    // Paths change without any presence change; a keystroke's saving / saved says nothing
    // about people.
    let seen = session.status
    const offStatus = session.onStatus(() => {
      const writingOnly = sameButWriting(seen, session.status)
      seen = session.status
      if (!writingOnly) refresh()
    })
    const offClaims = session.alwaysOn.onChange(refresh)
    return () => {
      session.awareness.off('change', refresh)
      offStatus()
      offClaims()
    }
  }, [session])
  return people
}
