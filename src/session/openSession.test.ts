// @vitest-environment node
import 'fake-indexeddb/auto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import { createSignalingServer, type SignalingServer } from '../../signaling/server'
import { waitFor } from '../../signaling/testing/conditions'
import { openDocumentLibrary } from '../library/DocumentLibrary'
import { userWithColor } from '../presence/userIdentity'
import { openIndexeddbCopy } from '../storage/IndexeddbCopy'
import { openSession, type Session, type SessionOptions } from './openSession'
import { syncState } from './sessionStatus'

// Node 20 has no global WebSocket; y-webrtc's signaling client (lib0) expects one. The
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
const UNREACHABLE = 'ws://127.0.0.1:9/signaling'

function options(overrides: Partial<SessionOptions> = {}): SessionOptions {
  return { signaling: [signaling], user, storage: openIndexeddbCopy, rtc: null, ...overrides }
}

function statusChanges(session: Session): string[] {
  const seen: string[] = []
  session.onStatus(() => seen.push(`${session.status.signaling}/${session.status.storage}`))
  return seen
}

describe('openSession', () => {
  it('loads, connects to signaling, and reports "saved" once IndexedDB holds an edit', async () => {
    const session = openSession('unit-room-1', options())
    const seen = statusChanges(session)
    await session.whenLocalLoaded
    session.text.insert(0, 'hello')
    await waitFor(() => session.status.signaling === 'connected' && session.status.storage === 'saved', 5_000)
    expect(seen).toContain('connected/saved')
    expect(session.meta.get('schemaVersion')).toBe(1)
    expect(session.awareness.getLocalState()?.user).toEqual(user)
    expect(session.debug().signalingConnected).toBe(1)
    session.destroy()
    await waitFor(() => server.stats().topics === 0, 5_000)
  })

  it('without WebRTC, says so in its status, and still edits and saves on this device (alone: the server’s relay may yet bring someone)', async () => {
    const session = openSession('unit-room-no-webrtc', options({ rtc: null }))
    try {
      expect(session.status.webrtc).toBe('missing')
      await session.whenLocalLoaded
      session.text.insert(0, 'kept here')
      await waitFor(() => session.status.signaling === 'connected' && session.status.storage === 'saved', 5_000)
      expect(syncState(session.status)).toBe('alone')
      expect(session.status.serverRelayOff).toBe(false)
    } finally {
      session.destroy()
    }
  })

  it('opens its room under the peer id the page announced it with, and releases what was held once the room is open, or when destroyed first', async () => {
    const release = vi.fn()
    const session = openSession('unit-room-announced', options({ announcedAhead: { peerId: 'announced-ahead', release } }))
    expect(release).not.toHaveBeenCalled()
    await waitFor(() => session.debug().peerId === 'announced-ahead' && release.mock.calls.length > 0, 5_000)
    expect(session.awareness.getLocalState()?.peerId).toBe('announced-ahead')
    session.destroy()

    const releasedEarly = vi.fn()
    openSession('unit-room-announced-2', options({ announcedAhead: { peerId: 'never-open', release: releasedEarly } })).destroy()
    expect(releasedEarly).toHaveBeenCalled()
    await waitFor(() => server.stats().topics === 0, 5_000)
  })

  it('destroy() leaves the room once, also before anything loaded, and calls no listener after', async () => {
    const early = openSession('unit-room-2', options())
    let calls = 0
    early.onStatus(() => calls++)
    early.destroy()
    early.destroy()
    await early.closed
    const late = early.onStatus(() => calls++)
    late()
    // A new session of the same room connects, so the first one released the room's name.
    const again = openSession('unit-room-2', options())
    await waitFor(() => again.status.signaling === 'connected', 5_000)
    expect(calls).toBe(0)
    again.destroy()
  })

  it('reopens a room right after destroying it, with what was stored', async () => {
    const first = openSession('unit-room-3', options())
    await waitFor(() => first.status.signaling === 'connected', 5_000)
    first.text.insert(0, 'kept locally')
    await waitFor(() => first.status.storage === 'saved', 5_000)
    first.destroy()

    const second = openSession('unit-room-3', options())
    await second.whenLocalLoaded
    expect(second.text.toString()).toBe('kept locally')
    await waitFor(() => second.status.signaling === 'connected', 5_000)
    second.destroy()
  })

  it('says when the signaling server cannot be reached, and keeps saving locally', async () => {
    const session = openSession('unit-room-4', options({ signaling: [UNREACHABLE] }))
    await session.whenLocalLoaded
    session.text.insert(0, 'offline edit')
    await waitFor(() => session.status.signaling === 'unreachable' && session.status.storage === 'saved', 10_000)
    expect(session.status.peers).toBe(0)
    session.destroy()
  })

  it('lists its document once it holds something, and resolves `closed` only once destroyed', async () => {
    const library = openDocumentLibrary('meshpad-documents-session-test')
    const session = openSession('unit-room-5', options({ signaling: [UNREACHABLE], library }))
    let isClosed = false
    void session.closed.then(() => (isClosed = true))
    await session.whenLocalLoaded
    session.text.insert(0, 'listed')
    session.meta.set('title', 'Listed')
    await waitFor(() => session.status.storage === 'saved', 5_000)
    expect(isClosed).toBe(false)
    session.destroy()
    await session.closed
    // The pending (debounced) record is written on destroy, so it is ordered before this read.
    expect(await library.get(session.topic)).toMatchObject({ secret: 'unit-room-5', title: 'Listed', length: 6, lastPeerSeenAt: null })
    library.close()
  })
})
