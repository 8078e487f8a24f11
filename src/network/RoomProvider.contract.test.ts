// @vitest-environment node
import * as decoding from 'lib0/decoding'
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
// @ts-expect-error -- the types are in dist/src/crypto.d.ts, applied below.
import * as untypedCrypto from '../../node_modules/y-webrtc/src/crypto.js'
import { waitFor } from '../../signaling/testing/conditions'
import { SignalingHarness } from '../../signaling/testing/signalingHarness'
import { deriveRoomEncryptionKey } from './roomEncryptionKey'
import { RoomProvider } from './RoomProvider'

Object.assign(globalThis, { WebSocket })

const { decrypt, decryptJson } = untypedCrypto as typeof import('../../node_modules/y-webrtc/dist/src/crypto')

const harness = new SignalingHarness()
const cleanups: (() => void)[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  await harness.cleanup()
})

/**
 * RoomProvider relies on the order of y-webrtc 10.3.0's constructor (it assigns `key`, then opens
 * the room in `key.then`, assigning `room` before the room connects): these tests fail first if an
 * upgrade changes it.
 */
describe('RoomProvider, against y-webrtc', () => {
  it('opens its room under the key and peer id it is given, derives no key, and announces and says hello to tabs under that id', async () => {
    const topic = 'room-provider-given'
    const password = 'the-room-password'
    const key = await deriveRoomEncryptionKey(password, topic)
    const { ws } = await harness.start({ rateLimit: false })
    const watcher = await harness.connect(`${ws}/signaling`)
    await watcher.subscribe(topic)
    const tabs = new BroadcastChannel(topic)
    const heard: Uint8Array[] = []
    tabs.onmessage = (event: MessageEvent<Uint8Array>) => heard.push(new Uint8Array(event.data))
    cleanups.push(() => tabs.close())
    const derive = vi.spyOn(crypto.subtle, 'deriveKey')

    const provider = new RoomProvider(topic, new Y.Doc(), { signaling: [`${ws}/signaling`], password, maxConns: 0 }, { key: Promise.resolve(key), peerId: 'announced-ahead' })
    cleanups.push(() => {
      provider.disconnect()
      provider.destroy()
    })
    expect(await provider.key).toBe(key)
    await waitFor(() => provider.room !== null)
    expect(provider.room!.peerId).toBe('announced-ahead')
    expect(provider.room!.key).toBe(key)
    expect(derive).not.toHaveBeenCalled()

    // Its announce when the server connected, under that id and that key.
    const announces: unknown[] = []
    await waitFor(async () => {
      for (const message of watcher.takeQueued() as { type?: string; data?: string }[]) {
        if (message.type === 'publish' && typeof message.data === 'string') announces.push(await decryptJson(Buffer.from(message.data, 'base64'), key))
      }
      return announces.length > 0
    }, 5000)
    expect(announces[0]).toEqual({ type: 'announce', from: 'announced-ahead' })
    // Its first word to the other tabs: its peer id (messageBcPeerId = 4, add), under that key.
    await waitFor(() => heard.length > 0)
    const hello = decoding.createDecoder(await decrypt(heard[0]!, key))
    expect([decoding.readVarUint(hello), decoding.readUint8(hello), decoding.readVarString(hello)]).toEqual([4, 1, 'announced-ahead'])
  })

  it('opens its room only once the key it is given resolves; without one, y-webrtc derives it under a random peer id', async () => {
    let resolve!: (key: CryptoKey | null) => void
    const waiting = new RoomProvider('room-provider-waiting', new Y.Doc(), { signaling: [] }, { key: new Promise((done) => (resolve = done)) })
    const derived = new RoomProvider('room-provider-derived', new Y.Doc(), { signaling: [], password: 'the password' })
    cleanups.push(() => waiting.destroy(), () => derived.destroy())
    await new Promise((done) => setTimeout(done, 50))
    expect(waiting.room).toBeNull()
    resolve(null)
    await waitFor(() => waiting.room !== null)
    const key = await derived.key
    expect(key).not.toBeNull()
    expect(derived.room!.key).toBe(key)
    expect(derived.room!.peerId).toMatch(/^[0-9a-f-]{36}$/)
  })
})
