import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { waitFor } from '../../../signaling/testing/conditions'
import { SignalingHarness } from '../../../signaling/testing/signalingHarness'
import { MessageLayer } from '../messages/MessageLayer'
import { deriveRoomEncryptionKey } from '../roomEncryptionKey'
import { MAX_LINKS, ServerRelay, type RelaySignalingConn } from './ServerRelay'
import { ENVELOPE, LINK_FRAME, createRelayIdentity, encodeEnvelope, encodeHello, encodeLinkFrame, seal, toBase64 } from './relayWire'

const TOPIC = 'room-topic'

/** A signaling connection as y-webrtc's (lib0's WebsocketClient) looks to the relay, over `ws`. */
class WsConn implements RelaySignalingConn {
  readonly socket: WebSocket
  connected = false
  private readonly listeners = new Set<(message: Record<string, unknown>) => void>()
  readonly opened: Promise<void>

  constructor(url: string) {
    this.socket = new WebSocket(url)
    this.socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>
      for (const listener of this.listeners) listener(message)
    })
    this.opened = new Promise((resolve) =>
      this.socket.once('open', () => {
        this.connected = true
        this.send({ type: 'subscribe', topics: [TOPIC] })
        resolve()
      }),
    )
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message))
  }

  on(_event: 'message', listener: (message: Record<string, unknown>) => void): void {
    this.listeners.add(listener)
  }

  off(_event: 'message', listener: (message: Record<string, unknown>) => void): void {
    this.listeners.delete(listener)
  }
}

const harness = new SignalingHarness()
const cleanups: (() => void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup()
  await harness.cleanup()
})

async function peer(ws: string, peerId: string, wanted: boolean, key: CryptoKey) {
  const doc = new Y.Doc()
  const awareness = new Awareness(doc)
  const layer = new MessageLayer({ doc, awareness, signed: null, selfPeerId: () => peerId, relayTargets: () => 'all', relayedPresence: () => false, onChange: () => {} })
  const conn = new WsConn(ws)
  await conn.opened
  const relay = new ServerRelay({
    topic: TOPIC,
    key: Promise.resolve(key),
    signalingConns: [conn],
    selfPeerId: () => peerId,
    wanted: () => wanted,
    accept: () => true,
    links: () => 0,
    attach: (from, link) => layer.attachTransport(from, link, (owner) => link.transport(owner)),
    onChange: () => {},
  })
  cleanups.push(() => {
    relay.destroy()
    layer.destroy()
    awareness.destroy()
    conn.socket.terminate()
  })
  return { doc, layer, relay, conn, text: doc.getText('t') }
}

describe('ServerRelay', () => {
  it('links two peers through the signaling server, end to end encrypted, both ways and for large messages', async () => {
    const { ws } = await harness.start()
    const key = await deriveRoomEncryptionKey('secret', TOPIC)
    const observer = new WsConn(ws)
    const seen: string[] = []
    observer.on('message', (message) => {
      if (message.type === 'relay') seen.push(String(message.data))
    })
    await observer.opened
    cleanups.push(() => observer.socket.terminate())
    const a = await peer(ws, 'peer-a', true, key)
    const b = await peer(ws, 'peer-b', false, key)

    await waitFor(() => a.layer.relayedPeers().includes('peer-b') && b.layer.relayedPeers().includes('peer-a'), 10_000)
    a.text.insert(0, 'hello from a')
    await waitFor(() => b.text.toString() === 'hello from a')
    b.text.insert(0, 'b: ')
    await waitFor(() => a.text.toString() === 'b: hello from a')
    const large = 'x'.repeat(200_000)
    a.text.insert(0, large)
    await waitFor(() => b.text.length === large.length + 'b: hello from a'.length, 15_000)

    // The server (and anyone on the topic) sees ciphertext only.
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.some((data) => Buffer.from(data, 'base64').includes('hello from a'))).toBe(false)
    expect(a.layer.pathOf('peer-b')).toBe('server')
  })

  it('ignores a hello that claims a linked peer’s id, link frames not sealed with the pair key, replays and garbage', async () => {
    const { ws } = await harness.start()
    const key = await deriveRoomEncryptionKey('secret', TOPIC)
    const recorder = new WsConn(ws)
    const recorded: string[] = []
    recorder.on('message', (message) => {
      if (message.type === 'relay') recorded.push(String(message.data))
    })
    await recorder.opened
    cleanups.push(() => recorder.socket.terminate())
    const a = await peer(ws, 'peer-a', true, key)
    const b = await peer(ws, 'peer-b', false, key)
    await waitFor(() => b.layer.relayedPeers().includes('peer-a'), 10_000)
    a.text.insert(0, 'one')
    await waitFor(() => b.text.toString() === 'one')

    // Mallory holds the room key (a reader's link does): she can say hello under any id, and seal
    // link frames with a pair key of her own.
    const mallory = new WsConn(ws)
    await mallory.opened
    cleanups.push(() => mallory.socket.terminate())
    const send = async (envelope: Parameters<typeof encodeEnvelope>[0]): Promise<void> =>
      mallory.send({ type: 'relay', topic: TOPIC, data: toBase64(await seal(key, encodeEnvelope(envelope))) })
    const identity = await createRelayIdentity()
    await send({ from: 'peer-a', to: '', kind: ENVELOPE.hello, body: encodeHello(identity.publicKey, 0) })
    const ownKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
    const forged = new Y.Doc()
    forged.getText('t').insert(0, 'forged ')
    const update = Y.encodeStateAsUpdate(forged)
    const syncUpdate = new Uint8Array([0, 2, ...encodeVarUint(update.byteLength), ...update])
    await send({ from: 'peer-a', to: 'peer-b', kind: ENVELOPE.link, body: await seal(ownKey, encodeLinkFrame({ seq: 1, kind: LINK_FRAME.data, payload: syncUpdate })) })
    mallory.send({ type: 'relay', topic: TOPIC, data: 'bm90IHNlYWxlZA==' })
    // A replay of everything a passed on the relay so far.
    for (const data of recorded.slice()) mallory.send({ type: 'relay', topic: TOPIC, data })

    await waitFor(() => (b.relay.dropped.get('a link frame not sealed with the pair key') ?? 0) >= 1 && (b.relay.dropped.get('a frame not sealed with the room key') ?? 0) >= 1)
    a.text.insert(3, ' two')
    await waitFor(() => b.text.toString() === 'one two')
    expect(b.layer.relayedPeers()).toEqual(['peer-a'])
    expect(b.text.toString()).not.toContain('forged')
  })

  it('keeps at most MAX_LINKS links however many made-up peer ids say hello', async () => {
    const { ws } = await harness.start()
    const key = await deriveRoomEncryptionKey('secret', TOPIC)
    const b = await peer(ws, 'peer-b', false, key)
    const mallory = new WsConn(ws)
    await mallory.opened
    cleanups.push(() => mallory.socket.terminate())
    const identity = await createRelayIdentity()
    for (let i = 0; i < MAX_LINKS + 8; i++) {
      const envelope = { from: `made-up-${i}`, to: '', kind: ENVELOPE.hello, body: encodeHello(identity.publicKey, 0) }
      mallory.send({ type: 'relay', topic: TOPIC, data: toBase64(await seal(key, encodeEnvelope(envelope))) })
    }
    await waitFor(() => (b.relay.dropped.get('a hello past the relay links’ limit') ?? 0) === 8)
    expect(b.relay.peers()).toHaveLength(MAX_LINKS)
  })

  it('says when the operator turned the relay off, and links nobody', async () => {
    const { ws } = await harness.start({ peerRelay: false })
    const key = await deriveRoomEncryptionKey('secret', TOPIC)
    const a = await peer(ws, 'peer-a', true, key)
    const b = await peer(ws, 'peer-b', true, key)
    await waitFor(() => a.relay.refused === 'off' && b.relay.refused === 'off')
    expect(a.layer.relayedPeers()).toEqual([])
    expect(b.layer.relayedPeers()).toEqual([])
  })
})

function encodeVarUint(value: number): number[] {
  const bytes: number[] = []
  while (value > 127) {
    bytes.push((value & 127) | 128)
    value >>>= 7
  }
  bytes.push(value)
  return bytes
}
