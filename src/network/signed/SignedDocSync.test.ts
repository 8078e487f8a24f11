import { describe, expect, it } from 'vitest'
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { signingKeyPair, verifyKey } from '../../room/roomSigning'
import { SignedDocSync } from './SignedDocSync'
import { LOG_COMPACT_ENTRIES } from './SignedLog'
import { decodeSignedSync, encodeSignedSync, signUpdate } from './signedSyncMessage'

const TOPIC = 'sim-topic'

interface Node {
  readonly doc: Y.Doc
  readonly sync: SignedDocSync
  readonly canEdit: boolean
}

/**
 * A simulated v2 room: peers with a doc and a SignedDocSync each, links that deliver in order
 * (like a data channel) but interleaved at random across links (seeded). Every update message a
 * writer's sync sends is recorded, so relays can be checked to be verbatim.
 */
class SignedSim {
  readonly nodes = new Map<string, Node>()
  readonly queues = new Map<string, { from: string; to: string; data: Uint8Array }[]>()
  /** Update messages sent by writers (signed by them), as hex. */
  readonly signedByWriters = new Set<string>()
  /** Update messages sent by readers. */
  readonly sentByReaders: Uint8Array[] = []

  constructor(
    private readonly rng: prng.PRNG,
    private readonly keys: RoomKeys,
  ) {}

  add(id: string, canEdit: boolean): Node {
    const doc = new Y.Doc()
    const sync = new SignedDocSync({
      doc,
      topic: TOPIC,
      verifyKey: Promise.resolve(this.keys.publicKey),
      signingKey: canEdit ? Promise.resolve(this.keys.privateKey) : null,
      // Half the writers sign synchronously (pure JS), half through WebCrypto.
      signingSeed: canEdit && this.nodes.size % 2 === 0 ? this.keys.seed : null,
      relayFrom: () => () => true,
      onChange: () => {},
    })
    const node = { doc, sync, canEdit }
    this.nodes.set(id, node)
    return node
  }

  /** What a tampered peer sends itself, bypassing its sync. */
  inject(from: string, to: string, data: Uint8Array): void {
    this.send(from, to, data, false)
  }

  send(from: string, to: string, data: Uint8Array, record = true): void {
    if (record && decodeSignedSync(data)?.kind === 'update') {
      if (this.nodes.get(from)?.canEdit) this.signedByWriters.add(Buffer.from(data).toString('hex'))
      else this.sentByReaders.push(data)
    }
    const key = `${from}>${to}`
    const queue = this.queues.get(key) ?? []
    queue.push({ from, to, data })
    this.queues.set(key, queue)
  }

  link(a: string, b: string): void {
    this.node(a).sync.addLink(b, (data) => this.send(a, b, data))
    this.node(b).sync.addLink(a, (data) => this.send(b, a, data))
    this.node(a).sync.hello(b)
    this.node(b).sync.hello(a)
  }

  node(id: string): Node {
    const node = this.nodes.get(id)
    if (node === undefined) throw new Error(`no node ${id}`)
    return node
  }

  /** Delivers one queued message, from a link chosen at random; false if none is queued. */
  deliverOne(): boolean {
    const busy = [...this.queues.values()].filter((queue) => queue.length > 0)
    if (busy.length === 0) return false
    const message = prng.oneOf(this.rng, busy).shift() as { from: string; to: string; data: Uint8Array }
    this.node(message.to).sync.receive(message.from, message.data)
    return true
  }

  /** Delivers everything, waiting for signatures and checks, until nothing moves. */
  async settle(): Promise<void> {
    for (;;) {
      while (this.deliverOne()) {
        // keep delivering
      }
      await Promise.all([...this.nodes.values()].map((node) => node.sync.whenIdle()))
      if ([...this.queues.values()].every((queue) => queue.length === 0)) return
    }
  }

  text(id: string): string {
    return this.node(id).doc.getText('content').toString()
  }
}

function randomEdit(rng: prng.PRNG, doc: Y.Doc): void {
  const text = doc.getText('content')
  if (text.length > 0 && prng.bool(rng) && prng.int32(rng, 0, 3) === 0) {
    const index = prng.int32(rng, 0, text.length - 1)
    text.delete(index, Math.min(prng.int32(rng, 1, 3), text.length - index))
  } else {
    text.insert(prng.int32(rng, 0, text.length), prng.word(rng, 1, 4))
  }
}

interface RoomKeys {
  readonly privateKey: CryptoKey
  readonly publicKey: CryptoKey
  readonly seed: Uint8Array
}

async function roomKeys(rng: prng.PRNG): Promise<RoomKeys> {
  const seed = prng.uint8Array(rng, 32)
  const pair = await signingKeyPair(seed)
  return { privateKey: pair.privateKey, publicKey: await verifyKey(pair.publicKey), seed }
}

describe('SignedDocSync in a simulated room', () => {
  for (const seed of [1, 2, 3]) {
    it(`converges through readers in the middle of a line, and refuses a tampered reader (seed ${seed})`, async () => {
      const rng = prng.create(seed)
      const sim = new SignedSim(rng, await roomKeys(rng))
      // w1 — r1 — r2 — w2, and a tampered reader t beside r1.
      for (const [id, canEdit] of [['w1', true], ['r1', false], ['r2', false], ['w2', true], ['t', false]] as const) sim.add(id, canEdit)
      sim.link('w1', 'r1')
      sim.link('r1', 'r2')
      sim.link('r2', 'w2')
      sim.link('r1', 't')

      let replay: Uint8Array | null = null
      for (let round = 0; round < 60; round++) {
        randomEdit(rng, sim.node(prng.bool(rng) ? 'w1' : 'w2').doc)
        for (let i = prng.int32(rng, 0, 4); i > 0; i--) sim.deliverOne()
        if (round === 10) {
          await sim.settle()
          replay = [...sim.signedByWriters].map((hex) => Uint8Array.from(Buffer.from(hex, 'hex')))[0] ?? null
        }
      }
      await sim.settle()
      const expected = sim.text('w1')
      expect(expected.length).toBeGreaterThan(0)
      for (const id of ['r1', 'r2', 'w2', 't']) expect(sim.text(id)).toBe(expected)

      // The tampered reader writes into its own doc (its sync sends nothing of it), then sends
      // an unsigned update, one with a zero signature, one signed by another key, and garbage.
      const t = sim.node('t')
      t.doc.getText('content').insert(0, 'EVIL')
      const evil = Y.encodeStateAsUpdate(t.doc, Y.encodeStateVector(sim.node('r1').doc))
      const forged = encodeSignedSync({ kind: 'update', signature: new Uint8Array(64), update: evil })
      const otherKey = await signUpdate((await roomKeys(prng.create(seed + 100))).privateKey, TOPIC, evil)
      for (const data of [forged, otherKey, Uint8Array.of(0x4d, 2, 1, 2, 3), Uint8Array.of(0x4d, 77)]) sim.inject('t', 'r1', data)
      await sim.settle()
      expect(sim.node('r1').sync.ignored).toBe(4)
      for (const id of ['w1', 'r1', 'r2', 'w2']) {
        expect(sim.text(id)).toBe(expected)
        expect(sim.text(id)).not.toContain('EVIL')
      }

      // A replayed signed update changes nothing.
      expect(replay).not.toBeNull()
      sim.inject('w1', 'r1', replay as Uint8Array)
      await sim.settle()
      for (const id of ['w1', 'r1', 'r2', 'w2']) expect(sim.text(id)).toBe(expected)

      // Readers relayed writers' messages verbatim, and signed nothing of their own.
      expect(sim.sentByReaders.length).toBeGreaterThan(0)
      for (const data of sim.sentByReaders) expect(sim.signedByWriters.has(Buffer.from(data).toString('hex'))).toBe(true)

      // A newcomer reaching only a reader gets the whole document from the reader's signed log.
      sim.add('late', false)
      sim.link('late', 'r2')
      await sim.settle()
      expect(sim.text('late')).toBe(expected)
      expect(sim.node('late').sync.isSynced('r2')).toBe(true)
    })
  }

  it("compacts a reader's log onto a writer's signed snapshot, and still serves everything", async () => {
    const rng = prng.create(7)
    const sim = new SignedSim(rng, await roomKeys(rng))
    sim.add('w', true)
    sim.add('r', false)
    sim.link('w', 'r')
    await sim.settle()
    for (let i = 0; i < LOG_COMPACT_ENTRIES + 50; i++) {
      randomEdit(rng, sim.node('w').doc)
      await sim.settle()
    }
    expect(sim.node('r').sync.logSize).toBeLessThan(LOG_COMPACT_ENTRIES / 2)
    sim.add('late', false)
    sim.link('late', 'r')
    await sim.settle()
    expect(sim.text('late')).toBe(sim.text('w'))
    expect(sim.text('r')).toBe(sim.text('w'))
  })
  it("asks another writer for the snapshot when the one it asked leaves before answering, and compacts", async () => {
    const rng = prng.create(11)
    const sim = new SignedSim(rng, await roomKeys(rng))
    sim.add('w1', true)
    sim.add('w2', true)
    sim.add('r', false)
    sim.link('w1', 'w2')
    sim.link('w1', 'r')
    await sim.settle()
    // The snapshot r asks of w1 never arrives: w1 leaves once it is asked.
    let asked = 0
    const send = sim.send.bind(sim)
    sim.send = (from, to, data, record) => {
      if (from === 'r' && to === 'w1' && decodeSignedSync(data)?.kind === 'snapshot') asked++
      else send(from, to, data, record)
    }
    while (asked === 0) {
      randomEdit(rng, sim.node('w1').doc)
      await sim.settle()
    }
    sim.node('r').sync.removeLink('w1')
    sim.node('w1').sync.removeLink('r')
    sim.link('w2', 'r')
    await sim.settle()
    for (let i = 0; i < 5; i++) {
      randomEdit(rng, sim.node('w2').doc)
      await sim.settle()
    }
    expect(sim.node('r').sync.logSize).toBeLessThan(LOG_COMPACT_ENTRIES / 2)
    expect(sim.text('r')).toBe(sim.text('w2'))
  })
})

describe('SignedDocSync own updates', () => {
  it('once the pure-JS signer is loaded, sends an own edit as it is made, as unsigned rooms do', async () => {
    const keys = await roomKeys(prng.create(5))
    let loads = 0
    const doc = new Y.Doc()
    const sync = new SignedDocSync({
      doc,
      topic: TOPIC,
      verifyKey: Promise.resolve(keys.publicKey),
      signingKey: Promise.resolve(keys.privateKey),
      signingSeed: keys.seed,
      loadSigner: async () => {
        loads++
        return (await import('./pureSigner')).pureSigner
      },
      relayFrom: () => () => true,
      onChange: () => {},
    })
    const sent: Uint8Array[] = []
    sync.addLink('peer', (data) => void sent.push(data))
    // An edit without origin (a new room's schema stamp) loads nothing; typing (the editor
    // binding's origin) loads the signer, and goes through WebCrypto meanwhile.
    doc.getMap('meta').set('schemaVersion', 1)
    expect(loads).toBe(0)
    doc.transact(() => doc.getText('content').insert(0, 'a'), 'editor')
    expect(loads).toBe(1)
    await sync.prepareSigner()
    await sync.whenIdle()
    // Both edits of that task went out together, under one signature.
    expect(sent).toHaveLength(1)
    // Nothing queued before it: the update leaves within the transaction's update event.
    doc.getText('content').insert(1, 'b')
    expect(sent).toHaveLength(2)
    const second = decodeSignedSync(sent[1] as Uint8Array)
    expect(second?.kind).toBe('update')
    const other = new Y.Doc()
    for (const data of sent) Y.applyUpdate(other, (decodeSignedSync(data) as { update: Uint8Array }).update)
    expect(other.getText('content').toString()).toBe('ab')
    sync.destroy()
  })
})

describe('SignedDocSync links', () => {
  it('a newer connection to the same peer keeps its link when the replaced one closes later', () => {
    const sync = new SignedDocSync({
      doc: new Y.Doc(),
      topic: TOPIC,
      verifyKey: new Promise<CryptoKey>(() => {}),
      signingKey: null,
      relayFrom: () => () => true,
      onChange: () => {},
    })
    const older: Uint8Array[] = []
    const newer: Uint8Array[] = []
    const sendOlder = (data: Uint8Array): void => void older.push(data)
    const sendNewer = (data: Uint8Array): void => void newer.push(data)
    sync.addLink('peer', sendOlder)
    sync.addLink('peer', sendNewer)
    sync.removeLink('peer', sendOlder)
    sync.hello('peer')
    expect(older).toHaveLength(0)
    expect(newer).toHaveLength(1)
    sync.removeLink('peer', sendNewer)
    sync.hello('peer')
    expect(newer).toHaveLength(1)
  })
})
