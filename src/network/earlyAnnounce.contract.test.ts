// @vitest-environment node
import { runInNewContext } from 'node:vm'
import wrtc from '@roamhq/wrtc'
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebrtcProvider } from 'y-webrtc'
// The peer class y-webrtc imports in Node (its connections' `signal` is what reads an offer or a candidate).
import Peer from 'simple-peer/simplepeer.min.js'
// y-webrtc exports no path but its entry, and ships this file's types apart from it; its own
// decryption is what the announce must pass.
// @ts-expect-error -- the types are in dist/src/crypto.d.ts, applied below.
import * as untypedCrypto from '../../node_modules/y-webrtc/src/crypto.js'
import { waitFor } from '../../signaling/testing/conditions'
import { SignalingHarness } from '../../signaling/testing/signalingHarness'
import { buildEarlyScript } from '../early/buildEarlyScript'
import type { EarlySignaling } from '../session/earlySignaling'
import { chunkingRtc } from './chunkingRtc'
import { deriveRoomEncryptionKey } from './roomEncryptionKey'

Object.assign(globalThis, { WebSocket })

const { decryptJson, encryptJson } = untypedCrypto as typeof import('../../node_modules/y-webrtc/dist/src/crypto')

/** The page's `/early-signaling.js`, built as the app's build builds it. */
const SCRIPT = (await buildEarlyScript('early-signaling.js')).code

/** A page's WebSocket (an event target, as the platform's) over a real `ws` client; it notes every frame. */
class PageSocket extends EventTarget {
  readonly raw: WebSocket
  /** Every frame that arrived, in order, whoever it was delivered to. */
  readonly arrived: string[] = []
  readonly sent: string[] = []
  constructor(url: string) {
    super()
    this.raw = new WebSocket(url)
    this.raw.on('open', () => this.dispatchEvent(new Event('open')))
    this.raw.on('message', (data: Buffer) => {
      const text = data.toString()
      this.arrived.push(text)
      this.dispatchEvent(new MessageEvent('message', { data: text }))
    })
  }
  get readyState(): number {
    return this.raw.readyState
  }
  send(data: string): void {
    this.sent.push(data)
    this.raw.send(data)
  }
  close(): void {
    this.raw.close()
  }
}

const harness = new SignalingHarness()
const cleanups: (() => void)[] = []
const password = 'the-room-password'
afterEach(async () => {
  vi.restoreAllMocks()
  for (const cleanup of cleanups.splice(0)) cleanup()
  await harness.cleanup()
})

/** Runs /early-signaling.js on a page of the server at `host`, in room `fragment`, whose key /early-copy.js derived. */
function runOnPage(host: string, fragment: string, topic: string, key: Promise<CryptoKey>): EarlySignaling & { socket: PageSocket } {
  const page = Object.assign(new EventTarget(), {
    isSecureContext: true,
    location: { protocol: 'http:', host, origin: `http://${host}`, search: '', hash: `#${fragment}` },
    __meshpadEarlyRoomKey: { fragment, topic: Promise.resolve(topic), key },
    __meshpadEarlySignaling: undefined as EarlySignaling | undefined,
  })
  runInNewContext(SCRIPT, { window: page, WebSocket: PageSocket, URLSearchParams, setTimeout: () => 0, crypto: globalThis.crypto, btoa, TextEncoder, MessageEvent })
  const early = page.__meshpadEarlySignaling as EarlySignaling & { socket: PageSocket }
  cleanups.push(() => early.socket.close())
  return early
}

/** A real signaling server, and a y-webrtc room `topic` (password `password`) connected to it. */
async function roomOnServer(topic: string): Promise<{ ws: string; http: string; provider: WebrtcProvider }> {
  const { ws, http } = await harness.start({ rateLimit: false })
  const provider = new WebrtcProvider(topic, new Y.Doc(), { signaling: [`${ws}/signaling`], password, peerOpts: { wrtc: chunkingRtc(wrtc) } })
  cleanups.push(() => {
    provider.disconnect()
    provider.destroy()
  })
  await waitFor(() => provider.room !== null && provider.signalingConns[0]!.connected, 5000)
  return { ws, http, provider }
}

/**
 * /early-signaling.js announces the page in its room before the app's script has run, in
 * y-webrtc's wire format (`encryptAnnounce`, through y-webrtc's own encryption). This pins that
 * the announce is one a y-webrtc 10.3.0 room with Meshpad's patch takes, and the hold that keeps
 * what answers it for the session's room.
 */
describe("/early-signaling.js's announce, against y-webrtc", () => {
  it('is one a y-webrtc room takes: it starts a connection to the peer id the script leaves for the session; the answer is held until release, then delivered in order', async () => {
    const topic = 'early-announce-room'
    const { http, provider } = await roomOnServer(topic)

    const key = deriveRoomEncryptionKey(password, topic)
    const early = runOnPage(new URL(http).host, 'a-v1-room-secret', topic, key)
    const { socket, peerId } = early
    expect(peerId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    // The socket's owner-to-be listens after the script, as y-webrtc's signaling client will.
    const delivered: string[] = []
    socket.addEventListener('message', (event) => delivered.push((event as MessageEvent<string>).data))

    await waitFor(() => provider.room!.webrtcConns.has(peerId!), 5000)
    const [subscribe, publish] = socket.sent.map((frame) => JSON.parse(frame) as { type: string; topics?: string[]; topic?: string; data?: string })
    expect(subscribe).toEqual({ type: 'subscribe', topics: [topic] })
    expect(publish).toMatchObject({ type: 'publish', topic })
    expect(await decryptJson(Buffer.from(publish!.data!, 'base64'), await key)).toEqual({ type: 'announce', from: peerId, links: 0 })

    // The room's offer to the page arrives, and nobody after the script sees it yet.
    const signals = async (): Promise<{ type: string; to?: string; signal?: { type?: string } }[]> =>
      Promise.all(
        socket.arrived
          .map((frame) => (JSON.parse(frame) as { data?: unknown }).data)
          .filter((data): data is string => typeof data === 'string')
          .map(async (data) => decryptJson(Buffer.from(data, 'base64'), await key)),
      )
    let offered = false
    await waitFor(async () => (offered = (await signals()).some((m) => m.type === 'signal' && m.to === peerId && m.signal?.type === 'offer')), 10_000)
    expect(offered).toBe(true)
    expect(delivered).toEqual([])

    early.release!()
    expect(delivered).toEqual(socket.arrived)
    // Once released, frames go straight through; a second release delivers nothing again.
    early.release!()
    expect(delivered).toEqual(socket.arrived)
  }, 30_000)

  it('is read in the order it came, though decryptions finish out of order (the burst of held messages): a candidate after its offer is kept', async () => {
    const topic = 'in-order-room'
    const { ws, provider } = await roomOnServer(topic)
    const key = await deriveRoomEncryptionKey(password, topic)
    const offerer = new wrtc.RTCPeerConnection()
    cleanups.push(() => offerer.close())
    offerer.createDataChannel('data')
    const offer = await offerer.createOffer()
    const signals = vi.spyOn(Peer.prototype as { signal: (data: unknown) => void }, 'signal')
    // The first message's decryption (the offer's) finishes last.
    const decrypt = crypto.subtle.decrypt.bind(crypto.subtle)
    let slowed = false
    vi.spyOn(crypto.subtle, 'decrypt').mockImplementation(async (...args) => {
      if (!slowed) {
        slowed = true
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      return decrypt(...args)
    })
    const sender = await harness.connect(`${ws}/signaling`)
    const to = provider.room!.peerId
    for (const signal of [{ type: offer.type, sdp: offer.sdp }, { type: 'candidate', candidate: { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } }]) {
      const data = Buffer.from(await encryptJson({ type: 'signal', from: 'early-peer', to, token: 1, signal }, key)).toString('base64')
      sender.send({ type: 'publish', topic, data })
    }
    await waitFor(() => signals.mock.calls.length === 2, 5000)
    expect(signals.mock.calls.map(([signal]) => (signal as { type: string }).type)).toEqual(['offer', 'candidate'])
  }, 30_000)
})
