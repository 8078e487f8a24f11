import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { signingKeyPair, verifyKey } from '../../room/roomSigning'
import { SignedRoom, TABS_LINK } from './SignedRoom'
import { decodeSignedSync } from './signedSyncMessage'

/** Each test its own topic: Node delivers a BroadcastChannel's messages to every channel of that name in the process. */
let topicCount = 0

async function keys(): Promise<{ verifyKey: Promise<CryptoKey>; signingKey: Promise<CryptoKey>; signingSeed: Uint8Array }> {
  const seed = crypto.getRandomValues(new Uint8Array(32))
  const pair = await signingKeyPair(seed)
  return { verifyKey: verifyKey(pair.publicKey), signingKey: Promise.resolve(pair.privateKey), signingSeed: seed }
}

function tab(topic: string, roomKeys: Awaited<ReturnType<typeof keys>>): { doc: Y.Doc; room: SignedRoom } {
  const doc = new Y.Doc()
  const room = new SignedRoom({
    topic,
    doc,
    keys: roomKeys,
    clientID: doc.clientID,
    relayFrom: () => () => true,
    onChange: () => {},
    onOwnSent: () => {},
  })
  return { doc, room }
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

describe('SignedRoom: the tabs of one browser', () => {
  const rooms: SignedRoom[] = []
  afterEach(() => {
    for (const room of rooms.splice(0)) room.destroy()
    vi.restoreAllMocks()
  })

  it('posts nothing but its hello while no other tab has spoken', async () => {
    const roomKeys = await keys()
    const spy = vi.spyOn(BroadcastChannel.prototype, 'postMessage')
    const a = tab(`tabs-alone-${topicCount++}`, roomKeys)
    rooms.push(a.room)
    for (let i = 0; i < 20; i++) a.doc.getText('text').insert(i, 'x')
    await a.room.sync.whenIdle()
    expect(spy.mock.calls.map(([data]) => decodeSignedSync(data as Uint8Array)?.kind)).toEqual(['state'])
  })

  it('two tabs that meet exchange what each lacks, edits made before they met included, then every update', async () => {
    const roomKeys = await keys()
    const topic = `tabs-meet-${topicCount++}`
    const a = tab(topic, roomKeys)
    rooms.push(a.room)
    a.doc.getText('text').insert(0, 'A before. ')
    await a.room.sync.whenIdle()
    // B edits before it has heard from A: its update is not posted, yet A gets it once they meet.
    const b = tab(topic, roomKeys)
    rooms.push(b.room)
    b.doc.getText('text').insert(0, 'B before. ')
    await until(() => a.doc.getText('text').toString().includes('B before.') && b.doc.getText('text').toString().includes('A before.'), 'the tabs to exchange their edits')
    a.doc.getText('text').insert(0, 'A after. ')
    await until(() => b.doc.getText('text').toString().includes('A after.'), 'A’s later edit in B')
    expect(b.doc.getText('text').toString()).toBe(a.doc.getText('text').toString())
    expect(a.room.sync.isSynced(TABS_LINK) && b.room.sync.isSynced(TABS_LINK)).toBe(true)
  })
})
