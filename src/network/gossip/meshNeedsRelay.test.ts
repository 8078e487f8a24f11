import { describe, expect, it } from 'vitest'
import { meshNeedsRelay, type MeshPresence } from './meshNeedsRelay'

const presence = (peerId: string, ...links: string[]): MeshPresence => ({ peerId, links })

describe('meshNeedsRelay', () => {
  it('needs no relay alone or in a full mesh', () => {
    expect(meshNeedsRelay(presence('a'), [])).toBe(false)
    expect(meshNeedsRelay(presence('a', 'b', 'c'), [presence('b', 'a', 'c'), presence('c', 'a', 'b')])).toBe(false)
  })

  it('ignores its own awareness state in favour of its live links', () => {
    expect(meshNeedsRelay(presence('a', 'b'), [presence('a'), presence('b', 'a')])).toBe(false)
    expect(meshNeedsRelay(presence('a'), [presence('a', 'b'), presence('b', 'a')])).toBe(true)
  })

  it('relays in a line, even from the middle, where every peer it knows is a direct link', () => {
    const states = [presence('a', 'b'), presence('c', 'b')]
    expect(meshNeedsRelay(presence('b', 'a', 'c'), states)).toBe(true)
  })

  it('relays when anything is unknown', () => {
    expect(meshNeedsRelay(presence('a', 'b'), [{ user: { name: 'no peer id yet' } }, presence('b', 'a')])).toBe(true)
    expect(meshNeedsRelay(presence('a', 'b'), [{ peerId: 'b' }])).toBe(true)
    expect(meshNeedsRelay(presence('a', 'b'), [presence('b', 'a', 'x')])).toBe(true)
    expect(meshNeedsRelay(presence('a', 'b'), [])).toBe(true)
    expect(meshNeedsRelay(presence('a', 'b'), [presence('b')])).toBe(true)
    expect(meshNeedsRelay(presence('a', 'b'), [null, presence('b', 'a')])).toBe(true)
  })
})
