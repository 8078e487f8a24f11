import { describe, expect, it } from 'vitest'
import { RELAY_RULES, relayRuleFrom } from './relayRule'

describe('relayRuleFrom', () => {
  it('reads each rule and nothing else', () => {
    for (const rule of RELAY_RULES) expect(relayRuleFrom(rule)).toBe(rule)
    for (const value of ['', 'Flood', 'tree', undefined, 3, null]) expect(relayRuleFrom(value)).toBeUndefined()
  })
})
