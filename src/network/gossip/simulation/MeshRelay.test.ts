import { describe, expect, it } from 'vitest'
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import type { MeshPresence } from '../meshNeedsRelay'
import { MeshRelay } from './MeshRelay'

const presence = (peerId: string, ...links: string[]): MeshPresence => ({ peerId, links })

/**
 * A simulated room: peers with a Y.Doc each, links delivering messages in order (like a data
 * channel) but interleaved at random across links (seeded), and the forwarding rule of patched
 * y-webrtc: every local update goes to every direct peer; one received from a peer is forwarded to
 * every direct peer when `shouldRelay()` says so. Presence is what awareness would carry.
 */
class SimRoom {
  readonly docs = new Map<string, Y.Doc>()
  readonly relays = new Map<string, MeshRelay>()
  readonly published = new Map<string, MeshPresence>()
  readonly queues = new Map<string, { to: string; from: string; kind: 'update' | 'step1' | 'step2'; data: Uint8Array }[]>()
  /** Links that silently drop what is sent on them. */
  readonly dead = new Set<string>()
  sent = 0

  constructor(
    readonly links: Map<string, Set<string>>,
    private readonly rng: prng.PRNG,
  ) {
    for (const [peerId, reached] of links) {
      const doc = new Y.Doc()
      this.docs.set(peerId, doc)
      this.published.set(peerId, presence(peerId, ...reached))
      const relay = new MeshRelay({
        self: () => presence(peerId, ...(this.links.get(peerId) ?? [])),
        states: () => this.published.values(),
        resync: () => this.broadcast(peerId, 'step1', Y.encodeStateVector(doc)),
      })
      this.relays.set(peerId, relay)
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === 'peer' && !relay.shouldRelay()) return
        this.broadcast(peerId, 'update', update)
      })
    }
  }

  private key(from: string, to: string): string {
    return `${from}→${to}`
  }

  private send(from: string, to: string, kind: 'update' | 'step1' | 'step2', data: Uint8Array): void {
    this.sent++
    if (this.dead.has(this.key(from, to))) return
    const queue = this.queues.get(this.key(from, to)) ?? []
    queue.push({ from, to, kind, data })
    this.queues.set(this.key(from, to), queue)
  }

  broadcast(from: string, kind: 'update' | 'step1' | 'step2', data: Uint8Array): void {
    for (const to of this.links.get(from) ?? []) this.send(from, to, kind, data)
  }

  /** Delivers every message, one link at a time in random order, FIFO within a link. */
  flush(): void {
    for (;;) {
      const busy = [...this.queues.values()].filter((queue) => queue.length > 0)
      if (busy.length === 0) return
      const message = (busy[prng.int32(this.rng, 0, busy.length - 1)] as NonNullable<(typeof busy)[0]>).shift()
      if (!message) continue
      const doc = this.docs.get(message.to) as Y.Doc
      if (message.kind === 'step1') this.send(message.to, message.from, 'step2', Y.encodeStateAsUpdate(doc, message.data))
      else Y.applyUpdate(doc, message.data, 'peer')
    }
  }

  type(peerId: string): void {
    const text = (this.docs.get(peerId) as Y.Doc).getText('content')
    text.insert(prng.int32(this.rng, 0, text.length), prng.word(this.rng, 1, 4))
  }

  texts(): string[] {
    return [...this.docs.values()].map((doc) => doc.getText('content').toString())
  }
}

function topology(edges: [string, string][]): Map<string, Set<string>> {
  const links = new Map<string, Set<string>>()
  for (const [a, b] of edges) {
    if (!links.has(a)) links.set(a, new Set())
    if (!links.has(b)) links.set(b, new Set())
    links.get(a)?.add(b)
    links.get(b)?.add(a)
  }
  return links
}

function fullMesh(n: number): Map<string, Set<string>> {
  const edges: [string, string][] = []
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push([`p${i}`, `p${j}`])
  return topology(edges)
}

describe('MeshRelay in a simulated room', () => {
  it('in a full mesh, an edit costs n − 1 messages, and everyone converges', () => {
    for (const n of [2, 4, 8]) {
      const room = new SimRoom(fullMesh(n), prng.create(n))
      for (let i = 0; i < 50; i++) {
        const before = room.sent
        room.type(`p${i % n}`)
        room.flush()
        expect(room.sent - before).toBe(n - 1)
      }
      expect(new Set(room.texts()).size).toBe(1)
    }
  })

  it('converges in partial meshes (line, star, ring, random), with edits made concurrently', () => {
    const rng = prng.create(42)
    const shapes: [string, string][][] = [
      [['a', 'b'], ['b', 'c'], ['c', 'd']],
      [['hub', 'x'], ['hub', 'y'], ['hub', 'z']],
      [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'a']],
    ]
    for (let g = 0; g < 20; g++) {
      // A random connected graph: a random spanning tree plus a few extra edges.
      const edges: [string, string][] = []
      for (let i = 1; i < 7; i++) edges.push([`n${i}`, `n${prng.int32(rng, 0, i - 1)}`])
      for (let e = 0; e < 3; e++) edges.push([`n${prng.int32(rng, 0, 6)}`, `n${prng.int32(rng, 0, 6)}`])
      shapes.push(edges.filter(([a, b]) => a !== b))
    }
    for (const edges of shapes) {
      const room = new SimRoom(topology(edges), rng)
      const peers = [...room.docs.keys()]
      for (let round = 0; round < 20; round++) {
        for (let k = 0; k < 3; k++) room.type(peers[prng.int32(rng, 0, peers.length - 1)] as string)
        room.flush()
      }
      expect(new Set(room.texts()).size).toBe(1)
      expect(room.texts()[0]?.length).toBeGreaterThan(0)
    }
  })

  it('repairs an edit lost on a link that died unnoticed, once the loss is noticed', () => {
    const room = new SimRoom(fullMesh(4), prng.create(7))
    room.type('p0')
    room.flush()
    // p0→p1 silently drops; p0 does not know yet, so nobody forwards p0's edit to p1.
    room.dead.add('p0→p1')
    room.type('p0')
    room.flush()
    const [p0, p1] = room.texts()
    expect(p1).not.toBe(p0)

    // The link is noticed down: p0 and p1 drop it and say so (awareness); everyone re-derives.
    room.links.get('p0')?.delete('p1')
    room.links.get('p1')?.delete('p0')
    room.published.set('p0', presence('p0', 'p2', 'p3'))
    room.published.set('p1', presence('p1', 'p2', 'p3'))
    for (const relay of room.relays.values()) relay.refresh()
    room.flush()
    expect(new Set(room.texts()).size).toBe(1)

    // From now on the room forwards: edits reach p1 through p2 and p3.
    room.type('p0')
    room.flush()
    expect(new Set(room.texts()).size).toBe(1)
  })
})
