// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { WebrtcProvider } from 'y-webrtc'
import { Awareness } from 'y-protocols/awareness'
import { waitFor } from '../../signaling/testing/conditions'
import { PEER_EVENTS, type SimplePeer, type WebrtcConn } from '../network/PeerLinks'
import { userWithColor } from '../presence/userIdentity'
import { createEditFragment, parseRoomAccess } from '../room/roomAccess'
import { roomSigning } from '../room/roomSigning'
import { openMemoryCopy } from '../storage/MemoryCopy'
import { openNodeSession } from './nodeSession'
import { nodePeerRoomForTests } from './testing/nodePeerRoomForTests'

const signaling = nodePeerRoomForTests()

type Observed = { _observers: Map<string, Set<unknown>> }
const listeners = (observable: unknown): number =>
  [...(observable as Observed)._observers.values()].reduce((sum, set) => sum + set.size, 0)
const peerListeners = (peer: SimplePeer): number[] => PEER_EVENTS.map((event) => peer.listenerCount(event))

/** The fragment the session opens, given the edit fragment the other process opens. */
type Room = { readonly label: string; readonly editFragment: () => string; readonly open: (edit: string) => Promise<string>; readonly canEdit: boolean }
const ROOMS: Room[] = [
  { label: 'a v1 room', editFragment: () => 'listener-room', open: async (edit) => edit, canEdit: true },
  { label: 'a v2 (signed) room, as a writer', editFragment: createEditFragment, open: async (edit) => edit, canEdit: true },
  {
    label: 'a v2 (signed) room, as a reader',
    editFragment: createEditFragment,
    open: (edit) => (roomSigning(parseRoomAccess(edit)) as { readFragment: Promise<string> }).readFragment,
    canEdit: false,
  },
]

describe('Session.destroy()', () => {
  for (const room of ROOMS) it(`removes every listener it added to the doc, awareness, provider, signaling and peer connections, in ${room.label}`, async () => {
    const edit = room.editFragment()
    const link = `http://127.0.0.1:${signaling.port()}/#${edit}`
    const other = await signaling.startPeer(link, 'from the other process')
    const fragment = await room.open(edit)

    // The counts of a doc and awareness nobody else listens to, and what y-webrtc itself adds.
    const bareDoc = new Y.Doc()
    const bareAwareness = new Awareness(bareDoc)
    const base = { doc: listeners(bareDoc), awareness: listeners(bareAwareness) }
    bareAwareness.destroy()
    bareDoc.destroy()
    const atDestroy: Record<string, number> = {}
    /** Listeners on each doc when it was destroyed (a v2 room has y-webrtc's shadow doc too). */
    const docsAtDestroy = new Map<Y.Doc, number>()
    const signalingBefore: number[] = []
    const signalingAfter: number[] = []
    const peersBefore = new Map<SimplePeer, number[]>()
    const peersAfter = new Map<SimplePeer, number[]>()
    const originalDocDestroy = Y.Doc.prototype.destroy
    const docDestroy = vi.spyOn(Y.Doc.prototype, 'destroy').mockImplementation(function (this: Y.Doc) {
      if (!docsAtDestroy.has(this)) docsAtDestroy.set(this, listeners(this))
      originalDocDestroy.call(this)
    })
    const awarenessDestroy = vi.spyOn(Awareness.prototype, 'destroy').mockImplementation(function (this: Awareness) {
      atDestroy.awareness = listeners(this)
      awarenessDestroy.mockRestore()
      this.destroy()
    })
    const connect = vi.spyOn(WebrtcProvider.prototype, 'connect').mockImplementation(function (this: WebrtcProvider) {
      connect.mockRestore()
      this.connect()
      for (const conn of this.signalingConns) signalingBefore.push(listeners(conn))
    })
    const originalEmit = WebrtcProvider.prototype.emit
    const emit = vi.spyOn(WebrtcProvider.prototype, 'emit').mockImplementation(function (this: WebrtcProvider, name, args) {
      if (name === 'peers') {
        for (const peerId of (args[0] as { added: string[] }).added) {
          const conn = this.room?.webrtcConns.get(peerId) as WebrtcConn | undefined
          if (conn && !peersBefore.has(conn.peer)) peersBefore.set(conn.peer, peerListeners(conn.peer))
        }
      }
      originalEmit.call(this, name, args)
    })
    const disconnect = vi.spyOn(WebrtcProvider.prototype, 'disconnect').mockImplementation(function (this: WebrtcProvider) {
      atDestroy.provider = listeners(this)
      for (const conn of this.signalingConns) signalingAfter.push(listeners(conn))
      this.room?.webrtcConns.forEach((conn) => peersAfter.set((conn as WebrtcConn).peer, peerListeners((conn as WebrtcConn).peer)))
      for (const peer of peersBefore.keys()) if (!peersAfter.has(peer)) peersAfter.set(peer, peerListeners(peer))
      disconnect.mockRestore()
      this.disconnect()
    })

    const session = openNodeSession(
      { secret: fragment, signaling: [`ws://127.0.0.1:${signaling.port()}/signaling`], origin: '' },
      { user: userWithColor('Listener', '#123456'), storage: openMemoryCopy },
    )
    await waitFor(() => session.status.syncedPeers === 1, 30_000)
    expect(session.text.toString()).toBe('from the other process')
    expect(session.access.canEdit).toBe(room.canEdit)
    if (room.canEdit) {
      session.text.insert(0, '> ')
      await other.waitForText((text) => text === '> from the other process')
    }
    session.destroy()
    await session.closed
    emit.mockRestore()
    docDestroy.mockRestore()
    atDestroy.doc = docsAtDestroy.get(session.doc) ?? -1

    expect(peersBefore.size).toBeGreaterThan(0)
    // Compared peer by peer: a connection replaced in glare may come in another order.
    expect(peersAfter.size).toBe(peersBefore.size)
    for (const [peer, before] of peersBefore) expect(peersAfter.get(peer)).toEqual(before)
    expect(signalingAfter).toEqual(signalingBefore)
    expect(atDestroy).toEqual({ provider: 0, doc: base.doc, awareness: base.awareness })
  }, 60_000)
})
