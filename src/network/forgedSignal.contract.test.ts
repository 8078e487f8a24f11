// @vitest-environment node
import wrtc from '@roamhq/wrtc'
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebrtcProvider } from 'y-webrtc'
// @ts-expect-error -- the types are in dist/src/crypto.d.ts, applied below.
import * as untypedCrypto from '../../node_modules/y-webrtc/src/crypto.js'
import { waitFor } from '../../signaling/testing/conditions'
import { SignalingHarness } from '../../signaling/testing/signalingHarness'
import { deriveRoomEncryptionKey } from './roomEncryptionKey'

Object.assign(globalThis, { WebSocket })

const { encryptJson } = untypedCrypto as typeof import('../../node_modules/y-webrtc/dist/src/crypto')

const harness = new SignalingHarness()
const cleanups: (() => void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  await harness.cleanup()
})

/**
 * Everyone who holds a room's key (a reader too) can publish a signaling message under any peer
 * id. Stock y-webrtc 10.3.0 passes a signal for a peer it is connected to into that connection
 * (an offer: simple-peer renegotiates or fails, and glare handling may replace it), so a forged
 * offer "from" a writer breaks a writer's link to them. The patch ignores signals for a connection
 * that is up.
 */
describe('y-webrtc, against signals that claim a connected peer', () => {
  it('leaves a connected peer\'s connection alone when someone else sends an offer in its name', async () => {
    const topic = 'forged-signal-room'
    const password = 'the-room-password'
    const { ws } = await harness.start({ rateLimit: false })
    const provider = new WebrtcProvider(topic, new Y.Doc(), { signaling: [`${ws}/signaling`], password, peerOpts: { wrtc } })
    cleanups.push(() => {
      provider.disconnect()
      provider.destroy()
    })
    await waitFor(() => provider.room !== null && provider.signalingConns[0]!.connected, 5000)
    const room = provider.room!
    // The connection to writer C, up.
    const connected = { connected: true, closed: false, glareToken: undefined, peer: { initiator: false, signal: vi.fn(), destroy: vi.fn() }, destroy: vi.fn() }
    room.webrtcConns.set('writer-c', connected as never)

    const key = await deriveRoomEncryptionKey(password, topic)
    const sender = await harness.connect(`${ws}/signaling`)
    const publish = async (message: object): Promise<void> =>
      sender.send({ type: 'publish', topic, data: Buffer.from(await encryptJson(message, key)).toString('base64') })
    const offer = { type: 'offer', sdp: 'v=0\r\n' }
    await publish({ type: 'signal', from: 'writer-c', to: room.peerId, token: Number.MAX_SAFE_INTEGER, signal: offer })
    await publish({ type: 'signal', from: 'writer-c', to: room.peerId, token: 1, signal: { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } } })
    // Messages are read in the order they came: once this announce is read, so were the signals.
    await publish({ type: 'announce', from: 'someone-else', links: 0 })
    await waitFor(() => room.webrtcConns.has('someone-else'), 5000)

    expect(connected.peer.signal).not.toHaveBeenCalled()
    expect(connected.destroy).not.toHaveBeenCalled()
    expect(room.webrtcConns.get('writer-c')).toBe(connected)
  }, 30_000)
})
