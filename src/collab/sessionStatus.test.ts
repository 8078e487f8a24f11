import { describe, expect, it } from 'vitest'
import { signalingState, UNREACHABLE_AFTER_FAILURES } from './sessionStatus'

const conn = (connected: boolean, unsuccessfulReconnects = 0) => ({ connected, unsuccessfulReconnects })

describe('signalingState', () => {
  it('is connected when any server is', () => {
    expect(signalingState([conn(false, 9), conn(true)], true)).toBe('connected')
  })
  it('is connecting before the first connection, reconnecting after losing it', () => {
    expect(signalingState([conn(false, 1)], false)).toBe('connecting')
    expect(signalingState([conn(false, 1)], true)).toBe('reconnecting')
    expect(signalingState([], false)).toBe('connecting')
  })
  it('is unreachable once every server failed enough attempts in a row', () => {
    const n = UNREACHABLE_AFTER_FAILURES
    expect(signalingState([conn(false, n), conn(false, n - 1)], true)).toBe('reconnecting')
    expect(signalingState([conn(false, n), conn(false, n)], true)).toBe('unreachable')
    expect(signalingState([conn(false, n)], false)).toBe('unreachable')
  })
})
