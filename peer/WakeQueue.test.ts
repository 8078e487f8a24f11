import { describe, expect, it } from 'vitest'
import { WakeQueue } from './WakeQueue'

/** Wakes that finish when the test says, and the rooms counted awake. */
function harness(limits: { concurrent: number; awake: number }) {
  const finishers = new Map<string, () => void>()
  const awake = new Set<string>()
  let mostRunning = 0
  const queue: WakeQueue = new WakeQueue(limits, () => awake.size, (topic) => {
    awake.add(topic)
    mostRunning = Math.max(mostRunning, queue.inFlight)
    return new Promise<void>((resolve) => finishers.set(topic, resolve))
  })
  const finish = async (topic: string) => {
    finishers.get(topic)!()
    finishers.delete(topic)
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { queue, awake, finishers, finish, most: () => mostRunning }
}

describe('WakeQueue', () => {
  it('runs at most `concurrent` wakes, in the order asked, each room once', async () => {
    const { queue, finishers, finish, most } = harness({ concurrent: 2, awake: 100 })
    for (const topic of ['a', 'b', 'a', 'c', 'd', 'c']) queue.request(topic)
    expect([...finishers.keys()]).toEqual(['a', 'b'])
    expect(queue.size).toBe(2)
    await finish('a')
    expect([...finishers.keys()]).toEqual(['b', 'c'])
    await finish('b')
    await finish('c')
    await finish('d')
    expect(most()).toBe(2)
    expect(queue.size).toBe(0)
  })

  it('starts no wake past `awake` rooms awake, and the next once one sleeps and pump() is called', async () => {
    const { queue, awake, finishers, finish } = harness({ concurrent: 8, awake: 3 })
    for (let i = 0; i < 10; i++) queue.request(`room-${i}`)
    expect(finishers.size).toBe(3)
    for (const topic of [...finishers.keys()]) await finish(topic)
    expect(awake.size).toBe(3)
    expect(queue.size).toBe(7)
    awake.delete('room-0')
    queue.pump()
    expect([...finishers.keys()]).toEqual(['room-3'])
    queue.cancel('room-4')
    queue.destroy()
    queue.request('room-11')
    expect(queue.size).toBe(0)
  })
})
