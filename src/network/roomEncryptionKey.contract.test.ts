// @vitest-environment node
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { WebrtcProvider } from 'y-webrtc'
import { RoomProvider } from './RoomProvider'
import { deriveRoomEncryptionKey } from './roomEncryptionKey'

const raw = async (key: CryptoKey | null): Promise<string> => Buffer.from(await crypto.subtle.exportKey('raw', key!)).toString('hex')

/** y-webrtc 10.3.0 derives its room key with a function it does not export; this pins Meshpad's copy to it. */
describe('deriveRoomEncryptionKey', () => {
  it("derives y-webrtc's own key for a room, and a provider given it uses it as given", async () => {
    const mine = await deriveRoomEncryptionKey('the password', 'the-room-name')
    const derived = new WebrtcProvider('the-room-name', new Y.Doc(), { signaling: [], password: 'the password' })
    const given = new RoomProvider('another-room-name', new Y.Doc(), { signaling: [], password: 'ignored' }, { key: Promise.resolve(mine) })
    try {
      expect(await raw(mine)).toBe(await raw(await derived.key))
      expect(await given.key).toBe(mine)
      expect(mine.algorithm).toEqual({ name: 'AES-GCM', length: 256 })
      expect(mine.usages.sort()).toEqual(['decrypt', 'encrypt'])
      // Another password or room name, another key.
      expect(await raw(await deriveRoomEncryptionKey('the password', 'other-room'))).not.toBe(await raw(mine))
      expect(await raw(await deriveRoomEncryptionKey('other password', 'the-room-name'))).not.toBe(await raw(mine))
    } finally {
      derived.destroy()
      given.destroy()
    }
  })
})
