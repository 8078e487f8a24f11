import { describe, expect, it } from 'vitest'
import { runScenario } from './runScenario'

/**
 * Convergence and cost of the tree broadcast in seeded simulated rooms (real relay code, real
 * Y.Docs). Each scenario is deterministic: a failure reproduces with its seed.
 */
describe('gossip in simulated rooms', () => {
  it('costs at most 1.5·(n − 1) messages per edit at 50 peers in steady state, where today’s relay floods', () => {
    const after = runScenario({ seed: 11, policy: 'tree', membership: true, peers: 50, edits: 40 })
    expect(after).toMatchObject({ converged: true, allDelivered: true, connected: true })
    expect(after.messagesPerEdit).toBeLessThanOrEqual(1.5 * 49)
    const before = runScenario({ seed: 11, policy: 'mesh', peers: 50, edits: 10 })
    expect(before.converged).toBe(true)
    expect(before.messagesPerEdit).toBeGreaterThan(1.5 * 49)
  }, 120_000)

  it('converges at 100 peers with churn, link failures, 3 % loss and reordering', () => {
    const result = runScenario({
      seed: 12, policy: 'tree', membership: true, peers: 100, edits: 30, churn: 5, linkFailures: 5, loss: 0.03, reorder: true,
    })
    expect(result).toMatchObject({ converged: true, allDelivered: true, connected: true })
  }, 120_000)

  it('converges at 200 peers with churn, link failures, 2 % loss and reordering, in a shallow tree', () => {
    const result = runScenario({
      seed: 13, policy: 'tree', membership: true, peers: 200, edits: 15, churn: 4, linkFailures: 4, loss: 0.02, reorder: true,
    })
    expect(result).toMatchObject({ converged: true, allDelivered: true, connected: true })
    expect(result.hops.p99).toBeLessThanOrEqual(8)
  }, 240_000)

  it('keeps rooms of 50 with churn connected over several seeds', () => {
    for (const seed of [21, 22, 23]) {
      const result = runScenario({ seed, policy: 'tree', membership: true, peers: 50, edits: 20, churn: 10 })
      expect({ seed, ...result }).toMatchObject({ seed, converged: true, connected: true, allDelivered: true })
    }
  }, 240_000)

  it('is deterministic for a seed', () => {
    const scenario = { seed: 5, policy: 'tree', membership: true, peers: 20, edits: 10, loss: 0.05 } as const
    expect(runScenario(scenario)).toEqual(runScenario(scenario))
  }, 60_000)
})
