import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { signingKeyPair, verifyKey } from '../../room/roomSigning'
import { SIGNATURE_BYTES, decodeSignedSync, encodeSignedSync, signUpdate, verifyUpdate } from './signedSyncMessage'

async function keys(seedByte: number): Promise<{ privateKey: CryptoKey; publicKey: CryptoKey }> {
  const pair = await signingKeyPair(new Uint8Array(32).fill(seedByte))
  return { privateKey: pair.privateKey, publicKey: await verifyKey(pair.publicKey) }
}

function anUpdate(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('content').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

async function check(publicKey: CryptoKey, topic: string, data: Uint8Array): Promise<boolean> {
  const message = decodeSignedSync(data)
  return message?.kind === 'update' && (await verifyUpdate(publicKey, topic, message))
}

describe('signed updates', () => {
  it('verify when signed with the room key, for that room and that update', async () => {
    const { privateKey, publicKey } = await keys(1)
    const update = anUpdate('hello')
    const data = await signUpdate(privateKey, 'room-a', update)
    expect(await check(publicKey, 'room-a', data)).toBe(true)
    const message = decodeSignedSync(data)
    expect(message).toMatchObject({ kind: 'update' })
    expect(message?.kind === 'update' && [...message.update]).toEqual([...update])
  })

  it('fail when forged: another key, another room, a changed bit anywhere', async () => {
    const { privateKey, publicKey } = await keys(1)
    const intruder = await keys(2)
    const data = await signUpdate(privateKey, 'room-a', anUpdate('hello'))
    expect(await check(publicKey, 'room-a', await signUpdate(intruder.privateKey, 'room-a', anUpdate('hello')))).toBe(false)
    expect(await check(publicKey, 'room-b', data)).toBe(false)
    for (const index of [2, 2 + SIGNATURE_BYTES - 1, 2 + SIGNATURE_BYTES, data.length - 1]) {
      const forged = data.slice()
      forged[index] = (forged[index] as number) ^ 1
      expect(await check(publicKey, 'room-a', forged)).toBe(false)
    }
    const zeroSignature = data.slice()
    zeroSignature.fill(0, 2, 2 + SIGNATURE_BYTES)
    expect(await check(publicKey, 'room-a', zeroSignature)).toBe(false)
  })

  it('fail when truncated or extended, and malformed messages decode to null', async () => {
    const { privateKey, publicKey } = await keys(1)
    const data = await signUpdate(privateKey, 'room-a', anUpdate('hello'))
    for (let length = 0; length < data.length; length += 7) {
      expect(await check(publicKey, 'room-a', data.subarray(0, length))).toBe(false)
    }
    const longer = new Uint8Array(data.length + 1)
    longer.set(data)
    expect(await check(publicKey, 'room-a', longer)).toBe(false)
    expect(decodeSignedSync(Uint8Array.of(0x4d))).toBeNull()
    expect(decodeSignedSync(Uint8Array.of(0x4d, 9))).toBeNull()
    expect(decodeSignedSync(Uint8Array.of(0x4d, 1, 7))).toBeNull()
    expect(decodeSignedSync(Uint8Array.of(0x4d, 3, 0))).toBeNull()
    expect(decodeSignedSync(Uint8Array.of(0, 0, 1))).toBeNull()
  })

  it('round-trips the other messages', () => {
    const stateVector = Uint8Array.of(1, 2, 3)
    expect(decodeSignedSync(encodeSignedSync({ kind: 'state', canEdit: true, stateVector }))).toEqual({ kind: 'state', canEdit: true, stateVector })
    expect(decodeSignedSync(encodeSignedSync({ kind: 'done' }))).toEqual({ kind: 'done' })
    expect(decodeSignedSync(encodeSignedSync({ kind: 'snapshot' }))).toEqual({ kind: 'snapshot' })
  })
})
