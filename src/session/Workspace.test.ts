// @vitest-environment node
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { waitFor } from '../../signaling/testing/conditions'
import { openDocumentLibrary, type DocumentLibrary } from '../library/DocumentLibrary'
import { userWithColor, type UserIdentity } from '../presence/userIdentity'
import { roomTopic } from '../room/roomTopic'
import { openIndexeddbCopy } from '../storage/IndexeddbCopy'
import { openSession, type Session } from './openSession'
import { Workspace, type RoomAddress } from './Workspace'

/** A URL fragment and its history, as a page would have them. */
class MemoryAddress implements RoomAddress {
  readonly entries: (string | null)[]
  private readonly listeners = new Set<() => void>()
  constructor(initial: string | null) {
    this.entries = [initial]
  }
  read(): string | null {
    return this.entries.at(-1) ?? null
  }
  show(secret: string, mode: 'push' | 'replace'): void {
    if (mode === 'replace') this.entries.pop()
    this.entries.push(secret)
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
  /** The person goes Back (or pastes a link): the address changes under the page. */
  navigate(secret: string | null): void {
    this.entries.push(secret)
    for (const listener of this.listeners) listener()
  }
}

// Node 20 has no global WebSocket; y-webrtc's signaling client (lib0) expects one.
Object.assign(globalThis, { WebSocket })

const user = userWithColor('Ada', '#123456')
const cleanup: (() => void)[] = []
afterEach(() => {
  for (const dispose of cleanup.splice(0)) dispose()
})

let counter = 0
function setUp(initial: string | null): { workspace: Workspace; address: MemoryAddress; library: DocumentLibrary; opened: Session[] } {
  const library = openDocumentLibrary(`meshpad-documents-workspace-${++counter}`)
  const address = new MemoryAddress(initial)
  const opened: Session[] = []
  const workspace = new Workspace({
    library,
    address,
    user,
    openSession: (secret: string, who: UserIdentity) => {
      const session = openSession(secret, { signaling: ['ws://127.0.0.1:9/signaling'], user: who, storage: openIndexeddbCopy, rtc: null, library })
      opened.push(session)
      return session
    },
  })
  cleanup.push(() => workspace.destroy(), () => library.close())
  return { workspace, address, library, opened }
}

describe('Workspace', () => {
  it('opens the room in the address, or a new one put in the address in place of the empty one', () => {
    const given = setUp('room-given')
    expect(given.workspace.session.secret).toBe('room-given')
    const fresh = setUp(null)
    expect(fresh.address.entries).toEqual([fresh.workspace.session.secret])
    expect(fresh.workspace.session.secret).toMatch(/^e1\.[A-Za-z0-9_-]{43}$/)
    expect([given.workspace.startedNew, fresh.workspace.startedNew]).toEqual([false, true])
  })

  it('keeps one session open: opening another room destroys the previous one, and Back reopens it', async () => {
    const { workspace, address, opened } = setUp('room-a')
    let changes = 0
    workspace.subscribe(() => changes++)
    workspace.open('room-b')
    expect(address.entries).toEqual(['room-a', 'room-b'])
    expect(workspace.session.secret).toBe('room-b')
    await opened[0]!.closed
    address.navigate('room-a')
    expect(workspace.session.secret).toBe('room-a')
    expect(opened.map((session) => session.secret)).toEqual(['room-a', 'room-b', 'room-a'])
    workspace.open('room-a')
    expect(opened).toHaveLength(3)
    expect(changes).toBe(2)
  })

  it('deletes the open document in one call: a new room takes its place, then its copy and entry go', async () => {
    const { workspace, address, library } = setUp('room-doomed')
    const doomed = workspace.session
    await doomed.whenLocalLoaded
    doomed.text.insert(0, 'soon gone')
    const topic = roomTopic('room-doomed')
    let listed = false
    await waitFor(async () => (listed = (await library.get(topic)) !== undefined), 5_000)
    expect(listed).toBe(true)
    await workspace.deleteDocument(topic)
    expect(workspace.session.secret).not.toBe('room-doomed')
    expect(address.entries).toEqual([workspace.session.secret])
    expect(await doomed.closed).toBeUndefined()
    expect(await library.get(topic)).toBeUndefined()
  })

  it('refuses a damaged read-only or edit link: the open document, its address and the library stay', async () => {
    const { workspace, address, library, opened } = setUp('room-kept')
    await workspace.session.whenLocalLoaded
    const before = await library.list()
    for (const damaged of ['r1.tooShort', `e1.${'A'.repeat(42)}`, `r1.${'A'.repeat(43)}`]) {
      address.navigate(damaged)
      expect(workspace.session.secret).toBe('room-kept')
      expect(address.read()).toBe('room-kept')
      await waitFor(() => /link is damaged.*Nothing was opened or saved/.test(workspace.state.notice ?? ''), 5_000)
      workspace.dismissNotice()
    }
    expect(opened).toHaveLength(1)
    expect(await library.list()).toEqual(before)
    // And a session refuses one outright, before opening anything.
    expect(() => openSession('e1.short', { signaling: [], user, storage: () => { throw new Error('no storage may open') }, rtc: null })).toThrow(
      /link is damaged/,
    )
  })

  it('leaves the open document with a notice when another tab deletes it', async () => {
    const { workspace } = setUp('room-shared')
    const other = openDocumentLibrary(`meshpad-documents-workspace-${counter}`)
    cleanup.push(() => other.close())
    const removal = other.remove(roomTopic('room-shared'))
    await waitFor(() => workspace.session.secret !== 'room-shared', 5_000)
    expect(workspace.state.notice).toMatch(/deleted from this browser in another tab/)
    await removal
    workspace.dismissNotice()
    expect(workspace.state.notice).toBeNull()
  })
})
