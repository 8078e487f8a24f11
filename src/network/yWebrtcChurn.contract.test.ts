// @vitest-environment node
import wrtc from '@roamhq/wrtc'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebrtcProvider } from 'y-webrtc'
import { waitFor } from '../../signaling/testing/conditions'
import { SignalingHarness } from '../../signaling/testing/signalingHarness'

Object.assign(globalThis, { WebSocket })

const harness = new SignalingHarness()
const providers: WebrtcProvider[] = []
afterEach(async () => {
  for (const provider of providers.splice(0)) {
    provider.disconnect()
    provider.destroy()
  }
  await harness.cleanup()
})

/** A provider without a password, so a raw test client can speak y-webrtc's signaling in clear. */
async function openProvider(room: string, ws: string): Promise<WebrtcProvider> {
  const provider = new WebrtcProvider(room, new Y.Doc(), { signaling: [`${ws}/signaling`], peerOpts: { wrtc }, maxConns: 20 })
  providers.push(provider)
  await waitFor(() => provider.room !== null && provider.signalingConns[0]!.connected, 5000)
  return provider
}

/**
 * The part of Meshpad's y-webrtc patch that keeps a long-lived peer open to newcomers: nothing
 * a departed peer's late messages leave behind, and glare that ends with one working connection.
 * (Closing a connection that never comes up, and announcing again with backoff, are Meshpad's:
 * PeerLinks.test.ts, Announcer.test.ts.)
 */
describe('y-webrtc patch: churn', () => {
  it('starts no connection from a late candidate or answer of a peer it has no connection to', async () => {
    const { ws } = await harness.start({ rateLimit: false })
    const provider = await openProvider('churn-late', ws)
    const ghost = await harness.connect(`${ws}/signaling`)
    const to = provider.room!.peerId
    ghost.send({ type: 'publish', topic: 'churn-late', data: { type: 'signal', from: 'ghost', to, token: 1, signal: { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } } } })
    ghost.send({ type: 'publish', topic: 'churn-late', data: { type: 'signal', from: 'ghost', to, token: 1, signal: { type: 'answer', sdp: 'v=0' } } })
    // An offer does start one, and frames on one socket arrive in order: when it exists, the two
    // messages before it were handled.
    ghost.send({ type: 'publish', topic: 'churn-late', data: { type: 'signal', from: 'someone', to, token: 1, signal: { type: 'renegotiate', renegotiate: true } } })
    ghost.send({ type: 'publish', topic: 'churn-late', data: { type: 'announce', from: 'newcomer' } })
    await waitFor(() => provider.room!.webrtcConns.has('newcomer'))
    expect([...provider.room!.webrtcConns.keys()]).toEqual(['newcomer'])
  })

  it('replaces its own offering connection with an answering one when the peer offers at the same time (glare), and the old one’s close leaves the new one', async () => {
    const { ws } = await harness.start({ rateLimit: false })
    const provider = await openProvider('churn-glare', ws)
    const other = await harness.connect(`${ws}/signaling`)
    const to = provider.room!.peerId
    type Conn = { glareToken?: number; closed: boolean; peer: { initiator: boolean } }
    const conn = (): Conn | undefined => provider.room!.webrtcConns.get('glare-peer') as Conn | undefined
    other.send({ type: 'publish', topic: 'churn-glare', data: { type: 'announce', from: 'glare-peer' } })
    // The provider answers the announce with an offer of its own…
    await waitFor(() => conn()?.glareToken !== undefined, 5000)
    const offering = conn()!
    // …while the peer's offer, with a later token (so it wins), is on its way.
    const pc = new wrtc.RTCPeerConnection()
    pc.createDataChannel('data')
    const offer = await pc.createOffer()
    other.send({ type: 'publish', topic: 'churn-glare', data: { type: 'signal', from: 'glare-peer', to, token: offering.glareToken! + 1, signal: { type: offer.type, sdp: offer.sdp } } })
    await waitFor(() => conn() !== offering, 5000)
    expect(conn()!.peer.initiator).toBe(false)
    // The replaced connection closes and leaves its successor in place.
    await waitFor(() => offering.closed, 5000)
    expect(conn()?.peer.initiator).toBe(false)
    pc.close()
  })
})
