// @vitest-environment node
import 'fake-indexeddb/auto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createSignalingServer, type SignalingServer } from '../../signaling/server'
import { openSession, whenRoomClosed, type Session } from './openSession'
import { openDocumentLibrary } from '../library/DocumentLibrary'
import { roomTopic } from '../room/roomTopic'
import { userWithColor } from '../presence/userIdentity'

// NOTE: Node 20 has no global WebSocket; y-webrtc's signaling client (lib0) expects one. The
// real `ws` client against the real signaling server stands in for the browser's.
Object.assign(globalThis, { WebSocket })

let server: SignalingServer
let signaling: string

beforeAll(async () => {
  server = createSignalingServer({ port: 0, host: '127.0.0.1' })
  const { port } = await server.listen()
  signaling = `ws://127.0.0.1:${port}/signaling`
})
afterAll(async () => {
  await server.close()
})

const user = userWithColor('Tester', '#123456')

async function waitFor(condition: () => boolean, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function statusChanges(session: Session): string[] {
  const seen: string[] = []
  session.onStatus(() => seen.push(`${session.status.signaling}/${session.status.storage}`))
  return seen
}

describe('openSession', () => {
  it('loads, connects to signaling, and reports "saved" once IndexedDB holds an edit', async () => {
    const session = openSession('unit-room-1', { signaling: [signaling], user })
    const seen = statusChanges(session)
    await session.whenLocalLoaded
    session.text.insert(0, 'hello')
    await waitFor(() => session.status.signaling === 'connected' && session.status.storage === 'saved')
    expect(seen).toContain('connected/saved')
    expect(session.meta.get('schemaVersion')).toBe(1)
    expect(session.awareness.getLocalState()?.user).toEqual(user)
    expect(session.debug().signalingConnected).toBe(1)
    session.destroy()
    await waitFor(() => server.stats().topics === 0)
  })

  it('destroy() twice is harmless, also before anything loaded', () => {
    const early = openSession('unit-room-2', { signaling: [signaling], user })
    early.destroy()
    expect(() => early.destroy()).not.toThrow()
    expect(early.onStatus(() => {})).toBeTypeOf('function')
  })

  it('reopens a room right after destroying it (one y-webrtc provider per room at a time)', async () => {
    const first = openSession('unit-room-3', { signaling: [signaling], user })
    await waitFor(() => first.status.signaling === 'connected')
    first.text.insert(0, 'kept locally')
    await waitFor(() => first.status.storage === 'saved')
    first.destroy()
    first.destroy()

    const second = openSession('unit-room-3', { signaling: [signaling], user })
    await second.whenLocalLoaded
    expect(second.text.toString()).toBe('kept locally')
    await waitFor(() => second.status.signaling === 'connected')
    second.destroy()
  })

  it('says when the signaling server cannot be reached, and keeps saving locally', async () => {
    const session = openSession('unit-room-4', { signaling: ['ws://127.0.0.1:9/signaling'], user })
    await session.whenLocalLoaded
    session.text.insert(0, 'offline edit')
    await waitFor(() => session.status.signaling === 'unreachable' && session.status.storage === 'saved', 10_000)
    expect(session.status.peers).toBe(0)
    session.destroy()
  })

  it('lists its document once it holds something, and tells when the room is closed', async () => {
    const library = openDocumentLibrary('meshpad-documents-session-test')
    const session = openSession('unit-room-5', { signaling: ['ws://127.0.0.1:9/signaling'], user, library })
    const closed = whenRoomClosed(roomTopic('unit-room-5'))
    let isClosed = false
    void closed.then(() => (isClosed = true))
    await session.whenLocalLoaded
    session.text.insert(0, 'listed')
    session.meta.set('title', 'Listed')
    await waitFor(() => session.status.storage === 'saved')
    expect(isClosed).toBe(false)
    session.destroy()
    await closed
    await expect(whenRoomClosed(session.topic)).resolves.toBeUndefined()
    // NOTE: the pending (debounced) record is written on destroy, so it is ordered before this read.
    expect(await library.get(session.topic)).toMatchObject({ secret: 'unit-room-5', title: 'Listed', length: 6, lastPeerSeenAt: null })
    library.close()
  })
})
