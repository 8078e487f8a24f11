import { describe, expect, it } from 'vitest'
import { maxConnsFromSearch } from './maxConnsParam'

describe('maxConnsFromSearch', () => {
  it('reads a whole number from 1 to 64 and ignores anything else', () => {
    expect(maxConnsFromSearch('?maxConns=4')).toBe(4)
    expect(maxConnsFromSearch('?a=1&maxConns=64')).toBe(64)
    for (const bad of ['', '?maxConns=', '?maxConns=0', '?maxConns=65', '?maxConns=-3', '?maxConns=2.5', '?maxConns=1e1', '?maxConns=x']) {
      expect(maxConnsFromSearch(bad)).toBeUndefined()
    }
  })
})
