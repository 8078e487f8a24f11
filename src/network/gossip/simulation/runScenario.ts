import * as Y from 'yjs'
import { REPAIR_INTERVAL_MS } from '../GossipRepair'
import { LONELY_ANNOUNCE_MS, LONELY_LINKS } from '../membership'
import { SimNetwork, type SimNetworkOptions } from './SimNetwork'
import type { SimPeer } from './SimPeer'

/** A room, its edits and what goes wrong meanwhile. */
export interface Scenario extends SimNetworkOptions {
  readonly peers: number
  /** Edits, each one keystroke by a random peer. */
  readonly edits: number
  /** Time between two edits (simulated ms). */
  readonly editEveryMs?: number
  /** Peers that leave during the edits (each replaced by a newcomer with a copy of the doc). */
  readonly churn?: number
  /** Links cut at random during the edits. */
  readonly linkFailures?: number
  /** Time allowed to converge after the last edit. */
  readonly settleMs?: number
}

/** Summary of a distribution. */
export interface Percentiles {
  readonly p50: number
  readonly p99: number
}

/** What a scenario measured; "per edit" divides the edit phase's totals by the number of edits. */
export interface ScenarioResult {
  readonly peers: number
  readonly messagesPerEdit: number
  readonly bytesPerEdit: number
  /** The busiest peer's messages sent per edit. */
  readonly maxPeerMessagesPerEdit: number
  readonly latencyMs: Percentiles
  readonly hops: Percentiles
  /** Whether every live peer held the same document at the end. */
  readonly converged: boolean
  /** Whether the links connected every live peer at the end. */
  readonly connected: boolean
  /** Whether every edit reached every peer that was there when it was made and stayed. */
  readonly allDelivered: boolean
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
  return { p50: at(0.5), p99: at(0.99) }
}

interface Pending {
  readonly client: number
  readonly clock: number
  readonly at: number
}

/**
 * Runs a scenario in a fresh {@link SimNetwork}: the peers join one after another, the room
 * settles (links open, first syncs done), traffic counters are zeroed, then the edits happen (with
 * churn and link failures meanwhile), then the room is given time to converge.
 */
export function runScenario(scenario: Scenario): ScenarioResult {
  const net = new SimNetwork(scenario)
  const waiting = new Map<SimPeer, Pending[]>()
  const latencies: number[] = []
  const hops: number[] = []
  net.onDelivered = (peer, via) => {
    const pending = waiting.get(peer)
    if (pending === undefined || via === 0) return
    const still = pending.filter((edit) => {
      if (Y.getState(peer.doc.store, edit.client) <= edit.clock) return true
      latencies.push(net.now() - edit.at)
      hops.push(via)
      return false
    })
    waiting.set(peer, still)
  }
  let ticks = 0
  const tick = (peer: SimPeer): void => {
    if (!net.peers.has(peer.id)) return
    peer.refresh()
    const lonelyEvery = Math.round(LONELY_ANNOUNCE_MS / 250)
    if (scenario.membership === true && peer.links.size < LONELY_LINKS && (ticks++ % lonelyEvery) === 0) net.announce(peer)
    if (peer.repairs && net.random() < 250 / REPAIR_INTERVAL_MS) peer.repair.tick()
    net.at(250, () => tick(peer))
  }
  const join = (state?: Uint8Array): SimPeer => {
    const peer = net.join(state)
    net.at(net.random() * 250, () => tick(peer))
    return peer
  }
  for (let i = 0; i < scenario.peers; i++) {
    join()
    net.run(40)
  }
  net.runUntil(() => net.converged(), 30_000)
  net.run(3_000)
  net.resetTraffic()

  const editEvery = scenario.editEveryMs ?? 100
  const churnAt = new Set<number>()
  const failAt = new Set<number>()
  for (let i = 0; i < (scenario.churn ?? 0); i++) churnAt.add(Math.floor(net.random() * scenario.edits))
  for (let i = 0; i < (scenario.linkFailures ?? 0); i++) failAt.add(Math.floor(net.random() * scenario.edits))
  for (let i = 0; i < scenario.edits; i++) {
    const live = [...net.peers.values()]
    if (churnAt.has(i) && live.length > 2) {
      const leaving = live[Math.floor(net.random() * live.length)] as SimPeer
      waiting.delete(leaving)
      net.leave(leaving)
      const copy = [...net.peers.values()][0]
      join(copy === undefined ? undefined : encodeState(copy))
    }
    if (failAt.has(i)) {
      const peer = live[Math.floor(net.random() * live.length)] as SimPeer
      const links = peer.upLinks()
      const other = links[Math.floor(net.random() * links.length)]
      if (other !== undefined && net.peers.has(peer.id)) net.cut(peer.id, other)
    }
    const authors = [...net.peers.values()]
    const author = authors[Math.floor(net.random() * authors.length)] as SimPeer
    const clock = Y.getState(author.doc.store, author.doc.clientID)
    for (const peer of authors) {
      if (peer !== author) waiting.set(peer, [...(waiting.get(peer) ?? []), { client: author.doc.clientID, clock, at: net.now() }])
    }
    author.edit(Math.floor(net.random() * 1000), String.fromCharCode(97 + (i % 26)))
    net.run(editEvery)
  }
  const converged = net.runUntil(() => net.converged(), scenario.settleMs ?? 60_000)
  const byPeer = [...net.traffic.byPeer.values()].map((t) => t.messages)
  const result: ScenarioResult = {
    peers: scenario.peers,
    messagesPerEdit: net.traffic.messages / scenario.edits,
    bytesPerEdit: net.traffic.bytes / scenario.edits,
    maxPeerMessagesPerEdit: Math.max(0, ...byPeer) / scenario.edits,
    latencyMs: percentiles(latencies),
    hops: percentiles(hops),
    converged,
    connected: net.connected(),
    allDelivered: [...waiting.values()].every((pending) => pending.length === 0),
  }
  net.destroy()
  return result
}

function encodeState(peer: SimPeer): Uint8Array {
  return Y.encodeStateAsUpdate(peer.doc)
}
