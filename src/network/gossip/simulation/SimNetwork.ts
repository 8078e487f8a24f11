import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { acceptAnnounce } from '../membership'
import { latencyClass } from '../latencyClass'
import { SimPeer, type RelayPolicy, type SimHost } from './SimPeer'

/** How a simulated network behaves; times are simulated milliseconds. */
export interface SimNetworkOptions {
  readonly seed: number
  readonly policy: RelayPolicy
  /** One-way delay of a link: fixed per link, drawn from [min, max]. */
  readonly linkDelayMs?: readonly [number, number]
  /** Extra delay per message, drawn from [0, jitter]. */
  readonly jitterMs?: number
  /** Deliver each link's messages in any order (data channels are ordered; this is harsher). */
  readonly reorder?: boolean
  /** Probability that a message is lost. */
  readonly loss?: number
  /** Most a peer's view of another's links lags behind (awareness in flight). */
  readonly viewLagMs?: number
  /** Use `acceptAnnounce` and lonely re-announces instead of y-webrtc's own rule. */
  readonly membership?: boolean
  /** Time from an announce to an open data channel. */
  readonly connectMs?: readonly [number, number]
}

interface Event {
  readonly at: number
  readonly seq: number
  readonly run: () => void
}

/** Messages and bytes sent, in total and by the peer that sent them. */
export interface Traffic {
  messages: number
  bytes: number
  readonly byPeer: Map<string, { messages: number; bytes: number }>
}

/**
 * A deterministic simulated room (same seed, same run): peers with real Y.Docs and real relay
 * code (`SimPeer`), links that delay, reorder and lose messages, awareness views that lag, and
 * y-webrtc's own membership: a joining peer announces itself; every peer with fewer than its
 * `maxConns` (20 + 0–14) connections opens one to it; the peer asked always accepts; a peer that
 * loses a connection announces itself again.
 */
export class SimNetwork implements SimHost {
  readonly peers = new Map<string, SimPeer>()
  /** Peers that left, with the time they did, for views that lag. */
  private readonly left = new Map<string, number>()
  private readonly queue: Event[] = []
  private readonly linkDelay = new Map<string, number>()
  private readonly lastDelivery = new Map<string, number>()
  private readonly rng: prng.PRNG
  private seq = 0
  private time = 0
  private nextId = 0
  readonly traffic: Traffic = { messages: 0, bytes: 0, byPeer: new Map() }
  /** Called whenever a peer's copy gains content; see `SimHost.delivered`. */
  onDelivered: (peer: SimPeer, hops: number) => void = () => {}

  constructor(private readonly options: SimNetworkOptions) {
    this.rng = prng.create(options.seed)
  }

  readonly now = (): number => this.time
  readonly random = (): number => prng.real53(this.rng)

  private range([min, max]: readonly [number, number]): number {
    return min + this.random() * (max - min)
  }

  /** Runs `run` at `delay` ms from now. */
  at(delay: number, run: () => void): void {
    const event = { at: this.time + delay, seq: this.seq++, run }
    const queue = this.queue
    queue.push(event)
    for (let i = queue.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1
      if (before(queue[parent] as Event, event)) break
      queue[i] = queue[parent] as Event
      queue[parent] = event
      i = parent
    }
  }

  private pop(): Event | undefined {
    const queue = this.queue
    const top = queue[0]
    const last = queue.pop()
    if (top === undefined || last === undefined || queue.length === 0) return top
    queue[0] = last
    for (let i = 0; ; ) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < queue.length && before(queue[l] as Event, queue[m] as Event)) m = l
      if (r < queue.length && before(queue[r] as Event, queue[m] as Event)) m = r
      if (m === i) break
      ;[queue[i], queue[m]] = [queue[m] as Event, queue[i] as Event]
      i = m
    }
    return top
  }

  /** Runs events until `until` ms (simulated) from now, or until none are left. */
  run(forMs: number): void {
    const until = this.time + forMs
    for (let event = this.pop(); event !== undefined; event = this.pop()) {
      if (event.at > until) {
        this.at(event.at - this.time, event.run)
        break
      }
      this.time = event.at
      event.run()
    }
    this.time = Math.max(this.time, until)
  }

  /** Runs until `done()` holds (checked every `stepMs`) or `maxMs` passed; whether it held. */
  runUntil(done: () => boolean, maxMs: number, stepMs = 100): boolean {
    for (let waited = 0; waited < maxMs; waited += stepMs) {
      if (done()) return true
      this.run(stepMs)
    }
    return done()
  }

  /** A new peer joins (with `state`, a Yjs update of its stored copy, if any) and announces itself. */
  join(state?: Uint8Array): SimPeer {
    const id = `p${String(this.nextId++).padStart(4, '0')}`
    const peer = new SimPeer(id, 20 + Math.floor(this.random() * 15), this.options.policy, this)
    if (state !== undefined) Y.applyUpdate(peer.doc, state)
    this.peers.set(id, peer)
    this.announce(peer)
    return peer
  }

  /** The peer leaves: its links close at both ends; each former neighbour announces itself. */
  leave(peer: SimPeer): void {
    this.peers.delete(peer.id)
    this.left.set(peer.id, this.time)
    for (const other of [...peer.links.keys()]) this.cut(peer.id, other)
    peer.destroy()
  }

  /** The link between two peers fails; both ends announce themselves again (y-webrtc does). */
  cut(a: string, b: string): void {
    for (const [self, other] of [[a, b], [b, a]] as const) {
      const peer = this.peers.get(self)
      if (peer?.links.has(other) !== true) continue
      peer.linkDown(other)
      this.announce(peer)
    }
  }

  /** The peer announces itself on the signaling channel; the others decide whether to connect. */
  announce(peer: SimPeer): void {
    this.at(5, () => {
      if (!this.peers.has(peer.id)) return
      for (const other of this.peers.values()) {
        if (other === peer || other.links.has(peer.id)) continue
        const accept = this.options.membership
          ? acceptAnnounce({
              conns: other.links.size,
              maxConns: other.maxConns,
              roomSize: [...this.states(other)].length + 1,
              announcerLinks: peer.links.size,
              random: this.random(),
            })
          : other.links.size < other.maxConns
        if (accept) this.connect(other, peer)
      }
    })
  }

  private connect(initiator: SimPeer, responder: SimPeer): void {
    initiator.links.set(responder.id, { up: false })
    const delay = this.range(this.options.connectMs ?? [50, 300])
    this.at(delay / 2, () => {
      if (this.peers.has(responder.id) && !responder.links.has(initiator.id)) responder.links.set(initiator.id, { up: false })
    })
    this.at(delay, () => {
      const mine = initiator.links.get(responder.id)
      const theirs = responder.links.get(initiator.id)
      // Both may have opened a connection at once (glare): the first to open wins.
      if (mine?.up === true || theirs?.up === true) return
      if (!this.peers.has(initiator.id) || !this.peers.has(responder.id) || mine === undefined || theirs === undefined) {
        if (mine !== undefined) initiator.links.delete(responder.id)
        if (theirs !== undefined) responder.links.delete(initiator.id)
        return
      }
      initiator.linkUp(responder.id)
      responder.linkUp(initiator.id)
    })
  }

  private delayOf(a: string, b: string): number {
    const key = a < b ? `${a}|${b}` : `${b}|${a}`
    let delay = this.linkDelay.get(key)
    if (delay === undefined) {
      delay = this.range(this.options.linkDelayMs ?? [5, 30])
      this.linkDelay.set(key, delay)
    }
    return delay
  }

  send(from: SimPeer, to: string, bytes: Uint8Array, hops: number): void {
    this.traffic.messages++
    this.traffic.bytes += bytes.length
    const own = this.traffic.byPeer.get(from.id) ?? { messages: 0, bytes: 0 }
    own.messages++
    own.bytes += bytes.length
    this.traffic.byPeer.set(from.id, own)
    if (this.random() < (this.options.loss ?? 0)) return
    let arrival = this.time + this.delayOf(from.id, to) + this.random() * (this.options.jitterMs ?? 5)
    const key = `${from.id}>${to}`
    // A data channel is ordered; unless `reorder`, a message never overtakes an earlier one.
    if (!this.options.reorder) arrival = Math.max(arrival, this.lastDelivery.get(key) ?? 0)
    this.lastDelivery.set(key, arrival)
    this.at(arrival - this.time, () => this.peers.get(to)?.receive(from.id, bytes, hops))
  }

  private lagOf(viewer: string, subject: string): number {
    const max = this.options.viewLagMs ?? 100
    let hash = 2166136261
    for (const char of `${viewer}|${subject}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619)
    return ((hash >>> 0) % 1000) / 1000 * max
  }

  states(viewer: SimPeer): Iterable<unknown> {
    const states: unknown[] = []
    for (const other of this.peers.values()) {
      if (other === viewer) continue
      const asOf = this.time - this.lagOf(viewer.id, other.id)
      let links: string[] | undefined
      for (const [at, published] of other.published) if (at <= asOf) links = published
      if (links !== undefined) states.push({ peerId: other.id, links, linkMs: links.map((peer) => this.linkMs(other.id, peer)) })
    }
    for (const [id, at] of this.left) {
      const lag = this.lagOf(viewer.id, id)
      if (this.time - lag >= at) continue
      const gone = this.peers.get(id)
      if (gone === undefined) states.push({ peerId: id, links: [] })
    }
    return states
  }

  delivered(peer: SimPeer, hops: number): void {
    this.onDelivered(peer, hops)
  }

  /**
   * The link's round-trip time class as its ends publish it (twice its one-way delay; see
   * `SteadyLatency`), once a message crossed it (0 before: not measured yet).
   */
  linkMs(a: string, b: string): number {
    const delay = this.linkDelay.get(a < b ? `${a}|${b}` : `${b}|${a}`)
    return delay === undefined ? 0 : latencyClass(2 * delay)
  }

  peerOfClient(client: number): string | null {
    for (const peer of this.peers.values()) if (peer.doc.clientID === client) return peer.id
    return null
  }

  /** Whether the live peers' links connect them all. */
  connected(): boolean {
    const first = this.peers.keys().next().value as string | undefined
    if (first === undefined) return true
    const seen = new Set([first])
    const stack = [first]
    while (stack.length > 0) {
      for (const [next, link] of this.peers.get(stack.pop() as string)?.links ?? []) {
        if (link.up && !seen.has(next)) {
          seen.add(next)
          stack.push(next)
        }
      }
    }
    return seen.size === this.peers.size
  }

  /** Whether every live peer holds the same document. */
  converged(): boolean {
    let expected: string | null = null
    for (const peer of this.peers.values()) {
      const vector = [...Y.decodeStateVector(Y.encodeStateVector(peer.doc))].sort(([a], [b]) => a - b)
      const state = JSON.stringify([vector, peer.doc.getText('content').toString()])
      if (expected === null) expected = state
      else if (state !== expected) return false
    }
    return true
  }

  /** Zeroes the traffic counters. */
  resetTraffic(): void {
    this.traffic.messages = 0
    this.traffic.bytes = 0
    this.traffic.byPeer.clear()
  }

  /** Destroys every peer. */
  destroy(): void {
    for (const peer of this.peers.values()) peer.destroy()
    this.peers.clear()
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq)
}
