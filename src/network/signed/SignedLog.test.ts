// @vitest-environment node
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { waitFor } from '../../../signaling/testing/conditions'
import { signingKeyPair, verifyKey } from '../../room/roomSigning'
import { IndexeddbCopy } from '../../storage/IndexeddbCopy'
import { SignedDocSync } from './SignedDocSync'
import { encodeSignedSync } from './signedSyncMessage'

const TOPIC = 'log-topic'

function peer(keys: { privateKey: CryptoKey; publicKey: CryptoKey }, canEdit: boolean, copy?: IndexeddbCopy): { doc: Y.Doc; sync: SignedDocSync } {
  const doc = new Y.Doc()
  const sync = new SignedDocSync({
    doc,
    topic: TOPIC,
    verifyKey: Promise.resolve(keys.publicKey),
    signingKey: canEdit ? Promise.resolve(keys.privateKey) : null,
    logStore: copy?.signedLog,
    relayFrom: () => () => true,
    onChange: () => {},
  })
  return { doc, sync }
}

function connect(a: SignedDocSync, b: SignedDocSync): void {
  a.addLink('b', (data) => void b.receive('a', data))
  b.addLink('a', (data) => void a.receive('b', data))
  a.hello('b')
  b.hello('a')
}

describe("a reader's signed log, stored with its copy", () => {
  it('is served after a reload with no writer present; stored bytes that do not verify are dropped', async () => {
    const pair = await signingKeyPair(new Uint8Array(32).fill(9))
    const keys = { privateKey: pair.privateKey, publicKey: await verifyKey(pair.publicKey) }
    const writer = peer(keys, true)
    const firstCopy = new IndexeddbCopy('signed-log-room', new Y.Doc())
    const reader = peer(keys, false, firstCopy)
    connect(writer.sync, reader.sync)
    for (const word of ['signed ', 'and ', 'stored']) {
      writer.doc.getText('content').insert(writer.doc.getText('content').length, word)
      await writer.sync.whenIdle()
      await reader.sync.whenIdle()
    }
    expect(reader.doc.getText('content').toString()).toBe('signed and stored')
    expect(reader.sync.logSize).toBe(3)
    // The reader leaves (its log is written as it goes); the writer leaves too.
    reader.sync.destroy()
    writer.sync.destroy()
    const stored = await firstCopy.signedLog.load()
    expect(stored).toHaveLength(3)
    // A forged entry slipped into storage is not served.
    const forged = encodeSignedSync({ kind: 'update', signature: new Uint8Array(64), update: Y.encodeStateAsUpdate(new Y.Doc()) })
    await firstCopy.signedLog.save([...stored, forged])
    await firstCopy.destroy()

    // After the reload: the reader's log comes back from storage and a newcomer gets the document.
    const secondCopy = new IndexeddbCopy('signed-log-room', new Y.Doc())
    const reloaded = peer(keys, false, secondCopy)
    await waitFor(() => reloaded.sync.logSize === 3, 5_000)
    const newcomer = peer(keys, false)
    connect(reloaded.sync, newcomer.sync)
    await waitFor(() => newcomer.sync.isSynced('a') && newcomer.doc.getText('content').toString() === 'signed and stored', 5_000)
    expect(newcomer.sync.ignored).toBe(0)
    reloaded.sync.destroy()
    newcomer.sync.destroy()
    await secondCopy.destroy()
  })
})
