import { expect, it } from 'vitest'
import { TokenBucket } from './tokenBucket.js'

it('allows a burst, then refills at the given rate up to the burst', () => {
  let now = 0
  const bucket = new TokenBucket(10, 3, () => now)
  expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false])
  now += 100
  expect([bucket.take(), bucket.take()]).toEqual([true, false])
  now += 10_000
  expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false])
})
