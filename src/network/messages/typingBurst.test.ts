import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import { signingKeyPair, verifyKey } from '../../room/roomSigning'
import { SignedDocSync } from '../signed/SignedDocSync'
import { MessageLayer } from './MessageLayer'
import { flushAll, linkLayers, type MemoryChannel, type MemoryConn } from './testing/memoryLinks'

const PEERS = 8
const CHARACTERS = 10_000
/** Characters per update: a fast typist's keys in one task are one signed update. */
const PER_UPDATE = 10

interface Peer {
  readonly doc: Y.Doc
  readonly sync: SignedDocSync
  readonly layer: MessageLayer
}

describe('a typing burst in a signed room of 8 (the message layer with its budgets, signed sync)', () => {
  it(`${CHARACTERS.toLocaleString('en')} characters from each peer, typed at once, converge with nothing dropped`, async () => {
    const seed = crypto.getRandomValues(new Uint8Array(32))
    const pair = await signingKeyPair(seed)
    const peers: Peer[] = []
    for (let i = 0; i < PEERS; i++) {
      const doc = new Y.Doc()
      const sync = new SignedDocSync({
        doc,
        topic: 'burst-topic',
        verifyKey: verifyKey(pair.publicKey),
        signingKey: Promise.resolve(pair.privateKey),
        signingSeed: seed,
        relayFrom: () => () => false,
        onChange: () => {},
      })
      await sync.prepareSigner()
      const layer = new MessageLayer({ doc, awareness: new Awareness(doc), signed: sync, selfPeerId: () => `p${i}`, relayTargets: () => new Set(), relayedPresence: () => false, onChange: () => {} })
      peers.push({ doc, sync, layer })
    }
    const channels: MemoryChannel[] = []
    const conns: MemoryConn[] = []
    for (let i = 0; i < PEERS; i++) {
      for (let j = i + 1; j < PEERS; j++) {
        const link = linkLayers(peers[i]!.layer, `p${i}`, peers[j]!.layer, `p${j}`)
        channels.push(link.xEnd, link.yEnd)
        conns.push(link.xConn, link.yConn)
      }
    }
    const settle = async (): Promise<void> => {
      for (let round = 0; round < 20; round++) {
        flushAll(channels, 1)
        await Promise.all(peers.map((peer) => peer.sync.whenIdle()))
      }
    }
    await settle()

    // Every peer types its burst at once: one update per task, the peers' tasks interleaved.
    for (let at = 0; at < CHARACTERS; at += PER_UPDATE) {
      peers.forEach((peer, i) => {
        const text = peer.doc.getText('content')
        text.insert(text.length, String.fromCharCode(97 + i).repeat(PER_UPDATE))
      })
      flushAll(channels, 1)
      if (at % (PER_UPDATE * 50) === 0) await Promise.all(peers.map((peer) => peer.sync.whenIdle()))
    }
    await settle()

    const texts = peers.map((peer) => peer.doc.getText('content').toString())
    expect(texts[0]).toHaveLength(PEERS * CHARACTERS)
    for (const text of texts) expect(text).toBe(texts[0])
    for (let i = 0; i < PEERS; i++) expect(texts[0]!.split(String.fromCharCode(97 + i)).length - 1).toBe(CHARACTERS)
    for (const peer of peers) {
      expect(peer.sync.ignored).toBe(0)
      expect([...peer.layer.dropped.entries()]).toEqual([])
    }
    expect(conns.filter((conn) => conn.destroyed)).toEqual([])
    for (const peer of peers) {
      peer.layer.destroy()
      peer.sync.destroy()
    }
  }, 60_000)
})
