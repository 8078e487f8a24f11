import { describe, expect, it } from 'vitest'
import { waitFor } from '../../../signaling/testing/conditions'
import { AWARENESS_FORWARD_INTERVAL_MS, AWARENESS_SEND_INTERVAL_MS, AwarenessThrottle } from './AwarenessThrottle'

describe('AwarenessThrottle', () => {
  it('forwards one person at most once per interval, whoever relays it', () => {
    let now = 1000
    const throttle = new AwarenessThrottle(() => {}, () => now)
    expect(throttle.allow('p', [7])).toBe(true)
    now += AWARENESS_FORWARD_INTERVAL_MS - 1
    expect(throttle.allow('q', [7])).toBe(false)
    expect(throttle.allow('q', [8])).toBe(true)
    now += 1
    expect(throttle.allow('q', [7])).toBe(true)
    throttle.destroy()
  })

  it('holds back this person’s own updates and sends the latest state once the interval passed', async () => {
    let now = 0
    let flushes = 0
    const throttle = new AwarenessThrottle(() => flushes++, () => now)
    expect(throttle.allow(null, [1])).toBe(true)
    expect(throttle.allow(null, [1])).toBe(false)
    expect(throttle.allow(null, [1])).toBe(false)
    now = AWARENESS_SEND_INTERVAL_MS
    await waitFor(() => flushes === 1, 5_000)
    expect(throttle.allow(null, [1])).toBe(true)
    throttle.destroy()
    throttle.destroy()
  })

  it('flushes nothing after destroy', async () => {
    let flushes = 0
    const throttle = new AwarenessThrottle(() => flushes++, () => 0)
    throttle.allow(null, [1])
    throttle.allow(null, [1])
    throttle.destroy()
    const other = new AwarenessThrottle(() => flushes++, () => 0)
    other.allow(null, [1])
    other.allow(null, [1])
    await waitFor(() => flushes === 1, 5_000)
    expect(flushes).toBe(1)
    other.destroy()
  })
})
