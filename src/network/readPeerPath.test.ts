import { describe, expect, it } from 'vitest'
import { classifyPeerPath } from './readPeerPath'

function report(local: string, remote: string, how: 'transport' | 'selected' | 'nominated' = 'transport') {
  return [
    ...(how === 'transport' ? [{ id: 'T', type: 'transport', selectedCandidatePairId: 'P' }] : []),
    { id: 'X', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R2', state: 'failed', nominated: false },
    { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', state: 'succeeded', nominated: how === 'nominated', selected: how === 'selected' },
    { id: 'L', type: 'local-candidate', candidateType: local },
    { id: 'R', type: 'remote-candidate', candidateType: remote },
    { id: 'L2', type: 'local-candidate', candidateType: 'relay' },
    { id: 'R2', type: 'remote-candidate', candidateType: 'relay' },
  ]
}

describe('classifyPeerPath', () => {
  it('reads the selected pair: host or srflx on both sides is direct, a relay on either side is relay', () => {
    expect(classifyPeerPath(report('host', 'host'), 'connected')).toEqual({ path: 'direct', localType: 'host', remoteType: 'host' })
    expect(classifyPeerPath(report('srflx', 'srflx'), 'completed')).toEqual({ path: 'direct', localType: 'srflx', remoteType: 'srflx' })
    expect(classifyPeerPath(report('srflx', 'prflx', 'selected'), 'connected').path).toBe('direct')
    expect(classifyPeerPath(report('relay', 'srflx'), 'connected').path).toBe('relay')
    expect(classifyPeerPath(report('host', 'relay', 'nominated'), 'connected').path).toBe('relay')
  })

  it("reads the selected pair's round-trip time, in ms, where the browser reports one", () => {
    const withRtt = report('host', 'host').map((entry) => (entry.id === 'P' ? { ...entry, currentRoundTripTime: 0.0234 } : entry))
    expect(classifyPeerPath(withRtt, 'connected')).toEqual({ path: 'direct', localType: 'host', remoteType: 'host', rttMs: 23 })
    const garbage = report('host', 'host').map((entry) => (entry.id === 'P' ? { ...entry, currentRoundTripTime: 'soon' } : entry))
    expect(classifyPeerPath(garbage, 'connected').rttMs).toBeUndefined()
  })

  it('is connecting while ICE checks or no pair is selected, failed when ICE failed or closed', () => {
    expect(classifyPeerPath(report('host', 'host'), 'checking').path).toBe('connecting')
    expect(classifyPeerPath(report('host', 'host'), 'disconnected').path).toBe('connecting')
    expect(classifyPeerPath([], 'new').path).toBe('connecting')
    expect(classifyPeerPath([{ id: 'T', type: 'transport', selectedCandidatePairId: 'gone' }], 'connected').path).toBe('connecting')
    expect(classifyPeerPath(report('host', 'host'), 'failed').path).toBe('failed')
    expect(classifyPeerPath(report('host', 'host'), 'closed').path).toBe('failed')
    expect(classifyPeerPath([], undefined).path).toBe('failed')
  })
})
