// @vitest-environment node
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import wrtc from '@roamhq/wrtc'
import * as encoding from 'lib0/encoding'
import { describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebrtcProvider } from 'y-webrtc'
import { waitFor } from '../../signaling/testing/conditions'
import { nodePeerRoomForTests } from '../session/testing/nodePeerRoomForTests'
import { roomTopic } from '../room/roomTopic'
import type { WebrtcConn } from './PeerLinks'

Object.assign(globalThis, { WebSocket })

const peerRoom = nodePeerRoomForTests()

/**
 * What src/network/ relies on in y-webrtc beyond its documented API, and the patch Meshpad
 * applies to it (patches/y-webrtc+10.3.0.patch). An upgrade that changes any of it fails here,
 * in one place, before it fails anywhere else.
 */
describe('y-webrtc contract', () => {
  it('is 10.3.0, pinned exactly, with the patch applied', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../node_modules/y-webrtc/package.json', import.meta.url), 'utf8')) as { version: string }
    const project = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }
    expect(manifest.version).toBe('10.3.0')
    expect(project.dependencies['y-webrtc']).toBe('10.3.0')
    const source = readFileSync(new URL('../../node_modules/y-webrtc/src/y-webrtc.js', import.meta.url), 'utf8')
    expect(source).toContain('PATCH(meshpad)')
  })

  it('is loaded as the patched ES module; its unpatched CommonJS build cannot be loaded', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../node_modules/y-webrtc/package.json', import.meta.url), 'utf8')) as {
      main?: string
      exports: Record<string, string>
    }
    expect(manifest.exports.import).toBe('./src/y-webrtc.js')
    // The patch removes the `require` export and `main`, so no `require()` (Node, a bundler
    // resolving CommonJS) reaches dist/y-webrtc.cjs, which carries none of the patch's fixes.
    expect(manifest.main).toBeUndefined()
    expect(Object.values(manifest.exports).some((target) => target.endsWith('.cjs'))).toBe(false)
    const require = createRequire(import.meta.url)
    const codeOf = (load: () => unknown): unknown => {
      try {
        load()
      } catch (error) {
        return (error as { code?: unknown }).code
      }
      return 'loaded'
    }
    expect(codeOf(() => require('y-webrtc'))).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED')
    expect(codeOf(() => require.resolve('y-webrtc/dist/y-webrtc.cjs'))).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED')
  })

  it('drops its WebRTC connection to a peer once that peer shows up on BroadcastChannel (a tab of this browser)', async () => {
    // Without a password, BroadcastChannel messages are in clear.
    const provider = new WebrtcProvider('contract-tabs', new Y.Doc(), { signaling: [] })
    try {
      await provider.key
      const room = provider.room! as typeof provider.room & { _bcSubscriber: (data: Uint8Array) => void }
      const conn = { destroy: vi.fn() }
      room.webrtcConns.set('other-tab', conn as never)
      // The other tab's hello, as y-webrtc's broadcastBcPeerId writes it (messageBcPeerId = 4, add).
      const hello = encoding.createEncoder()
      encoding.writeVarUint(hello, 4)
      encoding.writeUint8(hello, 1)
      encoding.writeVarString(hello, 'other-tab')
      room._bcSubscriber(encoding.toUint8Array(hello))
      await waitFor(() => room.bcConns.has('other-tab'))
      expect(conn.destroy).toHaveBeenCalledTimes(1)
      expect(room.webrtcConns.has('other-tab')).toBe(false)
    } finally {
      provider.destroy()
    }
  })

  it('posts nothing to BroadcastChannel while no other tab of the room is known, and every update once one is', async () => {
    // Without a password, BroadcastChannel messages are in clear; Node has BroadcastChannel.
    const doc = new Y.Doc()
    const provider = new WebrtcProvider('contract-bc-quiet', doc, { signaling: [] })
    const listener = new BroadcastChannel('contract-bc-quiet')
    let posted = 0
    listener.onmessage = () => posted++
    try {
      await provider.key
      // The room's hello, sync and presence when it connected (a tab that opens later asks again).
      await waitFor(() => posted >= 1)
      await new Promise((resolve) => setTimeout(resolve, 100))
      posted = 0
      doc.getText('content').insert(0, 'unheard')
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(posted).toBe(0)
      // Another tab says hello (messageBcPeerId = 4, add): from now on updates go to it.
      const hello = encoding.createEncoder()
      encoding.writeVarUint(hello, 4)
      encoding.writeUint8(hello, 1)
      encoding.writeVarString(hello, 'other-tab')
      listener.postMessage(encoding.toUint8Array(hello))
      await waitFor(() => provider.room!.bcConns.has('other-tab'))
      await new Promise((resolve) => setTimeout(resolve, 100))
      posted = 0
      doc.getText('content').insert(0, 'heard ')
      await waitFor(() => posted >= 1)
    } finally {
      listener.close()
      provider.destroy()
      doc.destroy()
    }
  })

  it('exposes the room, its connections and their simple-peer as src/network reads them', async () => {
    await peerRoom.startPeer(`http://127.0.0.1:${peerRoom.port()}/#contract-room`, 'hello')
    const doc = new Y.Doc()
    const provider = new WebrtcProvider(
      // The room name is the topic; the Node peer derives it from the secret.
      roomTopic('contract-room'),
      doc,
      // Plain WebRTC, so this stock reader syncs with the Node peer's message layer as a page of an earlier release would.
      { signaling: [`ws://127.0.0.1:${peerRoom.port()}/signaling`], password: 'contract-room', peerOpts: { wrtc } },
    )
    const added: string[] = []
    provider.on('peers', ({ added: ids }: { added: string[] }) => added.push(...ids))
    await waitFor(() => doc.getText('content').toString() === 'hello', 30_000)

    const signaling = provider.signalingConns[0] as unknown as { connected: boolean; unsuccessfulReconnects: number; on: unknown; off: unknown }
    expect(signaling.connected).toBe(true)
    expect(typeof signaling.unsuccessfulReconnects).toBe('number')
    expect(typeof signaling.on).toBe('function')
    const room = provider.room!
    expect(typeof room.peerId).toBe('string')
    expect(room.bcConns).toBeInstanceOf(Set)
    expect(room.webrtcConns).toBeInstanceOf(Map)
    // One peer, though y-webrtc may report it added twice: when both sides start a connection
    // at once (glare), the patch replaces one and y-webrtc announces the peer again.
    expect(new Set(added).size).toBe(1)
    const conn = room.webrtcConns.get(added[0]!) as unknown as WebrtcConn
    expect(conn.connected).toBe(true)
    expect(conn.closed).toBe(false)
    expect(conn.peer._pc?.iceConnectionState).toMatch(/connected|completed/)
    for (const method of ['on', 'removeListener', 'listenerCount', 'send'] as const) expect(typeof conn.peer[method]).toBe('function')
    expect(conn.peer.listenerCount('data')).toBeGreaterThan(0)

    provider.disconnect()
    provider.destroy()
    doc.destroy()
  }, 60_000)
})
