import { describe, expect, it } from 'vitest'
import { FIRST_PUBLISH_MS, LATENCY_CLASSES_MS, STEADY_WINDOW_MS, SteadyLatency, latencyClass } from './latencyClass'

describe('latencyClass', () => {
  it('is the smallest class bound at or above the round-trip time, the last past every bound', () => {
    expect(latencyClass(0)).toBe(8)
    expect(latencyClass(8)).toBe(8)
    expect(latencyClass(8.1)).toBe(11)
    expect(latencyClass(40)).toBe(45)
    expect(latencyClass(1e6)).toBe(LATENCY_CLASSES_MS.at(-1))
  })
})

describe('SteadyLatency', () => {
  const reads = (entries: Record<string, number | undefined>): Map<string, number | undefined> => new Map(Object.entries(entries))

  it('publishes nothing until a link was read for a while, then the class of its least read', () => {
    const steady = new SteadyLatency()
    expect(steady.update(reads({ b: 40 }), 0)).toBe(false)
    expect(steady.update(reads({ b: 30 }), FIRST_PUBLISH_MS - 1)).toBe(false)
    expect(steady.classOf('b')).toBe(0)
    expect(steady.update(reads({ b: 90 }), FIRST_PUBLISH_MS)).toBe(true)
    expect(steady.classOf('b')).toBe(32)
  })

  it('does not move on spikes under load (the least read counts), nor on small changes (hysteresis)', () => {
    const steady = new SteadyLatency()
    let now = 0
    while (now < FIRST_PUBLISH_MS + 2_000) steady.update(reads({ b: 12 }), (now += 2_000))
    expect(steady.classOf('b')).toBe(16)
    // Load: every read 4–25× slower for less than the window; the least read is still 12 ms.
    for (const rtt of [200, 50, 80, 150, 60, 300]) expect(steady.update(reads({ b: rtt }), (now += 2_000))).toBe(false)
    // Slower for good, but only just past the class: 19 ms is within the hysteresis of 16 ms.
    for (let i = 0; i < 20; i++) expect(steady.update(reads({ b: 19 }), (now += 2_000))).toBe(false)
    expect(steady.classOf('b')).toBe(16)
    // Well past it for a whole window: the class moves, once.
    let moves = 0
    for (let i = 0; i < STEADY_WINDOW_MS / 2_000 + 2; i++) if (steady.update(reads({ b: 30 }), (now += 2_000))) moves++
    expect(moves).toBe(1)
    expect(steady.classOf('b')).toBe(32)
  })

  it('publishes the fastest class as no figure, so a room on one machine or a LAN publishes nothing', () => {
    const steady = new SteadyLatency()
    for (let now = 0; now <= 3 * STEADY_WINDOW_MS; now += 2_000) expect(steady.update(reads({ b: 1 + (now % 7), c: 3 }), now)).toBe(false)
    expect(steady.classOf('b')).toBe(0)
    expect(steady.classOf('c')).toBe(0)
  })

  it('ignores reads that are no figure, and forgets links that are gone', () => {
    const steady = new SteadyLatency()
    for (let now = 0; now <= FIRST_PUBLISH_MS; now += 2_000) steady.update(reads({ b: 12, c: undefined }), now)
    steady.update(reads({ b: Number.NaN, c: -1 }), FIRST_PUBLISH_MS + 2_000)
    expect(steady.classOf('b')).toBe(16)
    expect(steady.classOf('c')).toBe(0)
    expect(steady.update(reads({ c: undefined }), FIRST_PUBLISH_MS + 4_000)).toBe(true)
    expect(steady.classOf('b')).toBe(0)
  })
})
