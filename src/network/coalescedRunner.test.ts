import { describe, expect, it } from 'vitest'
import { waitFor } from '../../signaling/testing/conditions'
import { coalescedRunner } from './coalescedRunner'

/** A run that stays pending until `finish` is called. */
function controlledRun() {
  const finishers: (() => void)[] = []
  let started = 0
  return {
    run: () => {
      started++
      return new Promise<void>((resolve) => finishers.push(resolve))
    },
    started: () => started,
    finish: () => finishers.shift()?.(),
  }
}

describe('coalescedRunner', () => {
  it('runs once per request while idle, and requests made during a run lead to exactly one more', async () => {
    const task = controlledRun()
    const request = coalescedRunner(task.run, () => false)
    request()
    expect(task.started()).toBe(1)
    request()
    request()
    request()
    expect(task.started()).toBe(1)
    task.finish()
    await waitFor(() => task.started() === 2, 1000)
    task.finish()
    await Promise.resolve()
    await Promise.resolve()
    expect(task.started()).toBe(2)
    request()
    expect(task.started()).toBe(3)
  })

  it('starts nothing once stopped, not even the run asked for during the last one', async () => {
    const task = controlledRun()
    let stopped = false
    const request = coalescedRunner(task.run, () => stopped)
    request()
    request()
    stopped = true
    task.finish()
    await Promise.resolve()
    await Promise.resolve()
    request()
    expect(task.started()).toBe(1)
  })
})
