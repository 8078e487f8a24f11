import { describe, expect, it } from 'vitest'
import { acceptAnnounce, ANNOUNCE_RESPONDERS } from './membership'

const base = { conns: 5, maxConns: 20, roomSize: 10, announcerLinks: 5, random: 0.99 }

describe('acceptAnnounce', () => {
  it('keeps small rooms full meshes', () => {
    expect(acceptAnnounce(base)).toBe(true)
    expect(acceptAnnounce({ ...base, roomSize: 21 })).toBe(true)
  })

  it('answers at random in large rooms, about ANNOUNCE_RESPONDERS of them', () => {
    const roomSize = 100
    expect(acceptAnnounce({ ...base, roomSize, random: (ANNOUNCE_RESPONDERS - 0.5) / roomSize })).toBe(true)
    expect(acceptAnnounce({ ...base, roomSize, random: (ANNOUNCE_RESPONDERS + 0.5) / roomSize })).toBe(false)
  })

  it('refuses past maxConns, but lets a lonely peer in, up to twice maxConns, at random', () => {
    expect(acceptAnnounce({ ...base, conns: 20, announcerLinks: 5, random: 0 })).toBe(false)
    expect(acceptAnnounce({ ...base, conns: 20, announcerLinks: undefined, random: 0 })).toBe(false)
    expect(acceptAnnounce({ ...base, conns: 20, announcerLinks: 1, random: 0 })).toBe(true)
    expect(acceptAnnounce({ ...base, conns: 39, announcerLinks: 1, random: 0 })).toBe(true)
    expect(acceptAnnounce({ ...base, conns: 40, announcerLinks: 1, random: 0 })).toBe(false)
    expect(acceptAnnounce({ ...base, conns: 20, announcerLinks: 1, roomSize: 60, random: 0.2 })).toBe(false)
  })
})
