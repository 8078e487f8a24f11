import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { GossipRepair } from './GossipRepair'

describe('GossipRepair', () => {
  it('asks the sender at once when an update left a gap, once per round', () => {
    const author = new Y.Doc()
    const text = author.getText('content')
    const updates: Uint8Array[] = []
    author.on('update', (update: Uint8Array) => updates.push(update))
    text.insert(0, 'a')
    text.insert(1, 'b')
    const doc = new Y.Doc()
    const asked: string[][] = []
    const repair = new GossipRepair({ doc, links: () => ['p', 'q'], resync: (peers) => asked.push([...peers]), random: () => 0.6 })
    Y.applyUpdate(doc, updates[0] as Uint8Array)
    repair.afterUpdateFrom('p')
    expect(asked).toEqual([])
    Y.applyUpdate(doc, updates[1] as Uint8Array)
    const gapped = new Y.Doc()
    Y.applyUpdate(gapped, updates[1] as Uint8Array)
    const repairGapped = new GossipRepair({ doc: gapped, links: () => ['p', 'q'], resync: (peers) => asked.push([...peers]), random: () => 0.6 })
    repairGapped.afterUpdateFrom('p')
    repairGapped.afterUpdateFrom('p')
    expect(asked).toEqual([['p']])
    repairGapped.tick()
    expect(asked).toEqual([['p'], ['q']])
    repairGapped.afterUpdateFrom('p')
    expect(asked).toEqual([['p'], ['q'], ['p']])
  })
})
