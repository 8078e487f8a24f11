// @vitest-environment node
import { readFileSync } from 'node:fs'
import wrtc from '@roamhq/wrtc'
import SimplePeer from 'simple-peer/simplepeer.min.js'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '../../signaling/testing/conditions'
import BrowserPeer from './browserPeer'
import { chunkingRtc, ownPeerConnection, type ChannelSender } from './chunkingRtc'

interface AnyPeer {
  on(event: string, listener: (...args: never[]) => void): unknown
  removeListener(event: string, listener: (...args: never[]) => void): unknown
  listenerCount(event: string): number
  signal(data: unknown): void
  send(data: Uint8Array): void
  destroy(): void
  readonly connected: boolean
  readonly _pc: RTCPeerConnection | null
}

const rtc = chunkingRtc(wrtc as never)!
const open: AnyPeer[] = []
afterEach(() => {
  for (const peer of open.splice(0)) peer.destroy()
})

/** Two peers wired to each other's signals, as y-webrtc wires them through the signaling server. */
function pair(Initiator: new (options: object) => AnyPeer, Answerer: new (options: object) => AnyPeer): [AnyPeer, AnyPeer] {
  const a = new Initiator({ initiator: true, wrtc: rtc })
  const b = new Answerer({ initiator: false, wrtc: rtc })
  open.push(a, b)
  a.on('signal', (signal: never) => b.signal(signal))
  b.on('signal', (signal: never) => a.signal(signal))
  return [a, b]
}

/** The message layer's end of a peer's data channel (see `ownPeerConnection`). */
function owned(peer: AnyPeer): { readonly messages: Uint8Array[]; readonly sender: ChannelSender } {
  const messages: Uint8Array[] = []
  const { sender } = ownPeerConnection(peer._pc!, { receive: (data) => messages.push(data), violation: () => {} })
  return { messages, sender }
}

/**
 * The browser build replaces y-webrtc's simple-peer with `BrowserPeer` (simple-peer-light); Node
 * keeps simple-peer. Pages and Node peers, and pages of older builds, meet in one room, so the two
 * must speak the same signals and data, and BrowserPeer must offer what y-webrtc and PeerLinks call.
 */
describe('BrowserPeer contract', () => {
  it('stands in for the module y-webrtc imports, pinned exactly', () => {
    const source = readFileSync(new URL('../../node_modules/y-webrtc/src/y-webrtc.js', import.meta.url), 'utf8')
    expect(source).toContain("import Peer from 'simple-peer/simplepeer.min.js'")
    const viteConfig = readFileSync(new URL('../../vite.config.ts', import.meta.url), 'utf8')
    expect(viteConfig).toContain('./src/network/browserPeer.ts')
    const project = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }
    expect(project.dependencies['simple-peer-light']).toBe('9.10.0')
  })

  for (const [name, Initiator, Answerer] of [
    ['BrowserPeer offers, simple-peer answers', BrowserPeer, SimplePeer],
    ['simple-peer offers, BrowserPeer answers', SimplePeer, BrowserPeer],
  ] as const) {
    it(`connects and carries data both ways: ${name}`, async () => {
      const [a, b] = pair(Initiator as never, Answerer as never)
      const { messages: atA, sender: fromA } = owned(a)
      const { messages: atB, sender: fromB } = owned(b)
      await waitFor(() => a.connected && b.connected, 20_000)
      // Larger than one chunk of the chunking transport, so it is split and joined again.
      const large = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251)
      fromA.send(Uint8Array.of(1, 2, 3))
      fromB.send(large)
      await waitFor(() => atB.length === 1 && atA.length === 1, 20_000)
      expect(Array.from(atB[0]!)).toEqual([1, 2, 3])
      expect(atA[0]).toBeInstanceOf(Uint8Array)
      expect(Buffer.from(atA[0]!).equals(Buffer.from(large))).toBe(true)

      let closed = 0
      a.on('close', () => closed++)
      b.on('close', () => closed++)
      a.destroy()
      await waitFor(() => closed === 2, 20_000)
    }, 60_000)
  }

  it('has the emitter API that y-webrtc and PeerLinks call, with counts', () => {
    const peer = new BrowserPeer({ initiator: false, wrtc: rtc })
    open.push(peer as unknown as AnyPeer)
    const listener = (): void => undefined
    const before = peer.listenerCount('iceStateChange')
    peer.addListener('iceStateChange', listener)
    expect(peer.listenerCount('iceStateChange')).toBe(before + 1)
    peer.removeListener('iceStateChange', listener)
    expect(peer.listenerCount('iceStateChange')).toBe(before)
    expect(peer.listenerCount('no-such-event')).toBe(0)
  })
})
