import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Awareness } from 'y-protocols/awareness'
import type { RelayRule } from './relayRule'
import { RoomGossip } from './RoomGossip'

const gossips: RoomGossip[] = []
afterEach(() => {
  for (const gossip of gossips.splice(0)) gossip.destroy()
})

/** Peer b of a line a – b – c (a partial mesh: a and c do not link), relaying by `rule()`. */
function middlePeer(rule: () => RelayRule): RoomGossip {
  const doc = new Y.Doc()
  const awareness = new Awareness(doc)
  awareness.setLocalState({ peerId: 'b', links: ['a', 'c'] })
  awareness.states.set(101, { peerId: 'a', links: ['b'] })
  awareness.states.set(102, { peerId: 'c', links: ['b'] })
  const gossip = new RoomGossip({
    doc,
    awareness,
    self: () => ({ peerId: 'b', links: ['a', 'c'] }),
    senderOf: () => null,
    resync: () => {},
    announce: () => {},
    signalingClients: () => undefined,
    maxConns: () => 2,
    relayRule: rule,
  })
  gossips.push(gossip)
  return gossip
}

describe('RoomGossip relay rule (tests and benchmarks only)', () => {
  it('sends along the tree, or to every link while the rule is the flood', () => {
    let rule: RelayRule = 'weighted'
    const b = middlePeer(() => rule)
    expect(b.relayTargets('a', null)).toEqual(new Set(['c']))
    rule = 'flood'
    expect(b.relayTargets('a', null)).toBe('all')
    rule = 'hops'
    expect(b.relayTargets('a', null)).toEqual(new Set(['c']))
  })
})
