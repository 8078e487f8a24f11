import { describe, expect, it } from 'vitest'
import { byteSize } from './byteSize'
import { relativeTime } from './relativeTime'

describe('relativeTime', () => {
  const now = Date.UTC(2026, 5, 15, 12)
  it('says how long ago, in the largest whole unit', () => {
    expect(relativeTime(now - 5_000, now)).toBe('just now')
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5 minutes ago')
    expect(relativeTime(now - 3 * 3600_000, now)).toBe('3 hours ago')
    expect(relativeTime(now - 26 * 3600_000, now)).toBe('yesterday')
    expect(relativeTime(now - 15 * 24 * 3600_000, now)).toBe('2 weeks ago')
    expect(relativeTime(now - 800 * 24 * 3600_000, now)).toBe('2 years ago')
  })
  it('treats a clock skewed into the future as now', () => {
    expect(relativeTime(now + 60_000, now)).toBe('just now')
  })
})

describe('byteSize', () => {
  it('uses the unit people read', () => {
    expect(byteSize(0)).toBe('0 bytes')
    expect(byteSize(999)).toBe('999 bytes')
    expect(byteSize(1_234)).toBe('1.2 KB')
    expect(byteSize(56_700_000)).toBe('57 MB')
    expect(byteSize(10e9)).toBe('10 GB')
  })
})
