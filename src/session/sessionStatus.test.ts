import { describe, expect, it } from 'vitest'
import { INITIAL_STATUS, syncState } from './sessionStatus'
import { signalingState, UNREACHABLE_AFTER_FAILURES } from '../network/signalingState'

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

describe('syncState', () => {
  it('is offline with no peer and no signaling server, whatever the storage does', () => {
    expect(syncState({ ...INITIAL_STATUS, signaling: 'unreachable' })).toBe('offline')
    expect(syncState({ ...INITIAL_STATUS, signaling: 'reconnecting', storage: 'saved' })).toBe('offline')
    expect(syncState({ ...INITIAL_STATUS, signaling: 'connecting' })).toBe('looking')
    expect(syncState({ ...INITIAL_STATUS, signaling: 'connected' })).toBe('alone')
  })
  it('is synced only once every connected peer finished its sync exchange, server or not', () => {
    expect(syncState({ ...INITIAL_STATUS, signaling: 'unreachable', peers: 2, syncedPeers: 1 })).toBe('syncing')
    expect(syncState({ ...INITIAL_STATUS, signaling: 'unreachable', peers: 2, syncedPeers: 2 })).toBe('synced')
    expect(syncState({ ...INITIAL_STATUS, signaling: 'connected', peers: 1, syncedPeers: 0 })).toBe('syncing')
  })
  it('is no-webrtc in a browser without WebRTC where the server’s relay is off, whatever the signaling server does, until a peer is connected', () => {
    expect(syncState({ ...INITIAL_STATUS, webrtc: 'missing', signaling: 'connected' })).toBe('alone')
    const missing = { ...INITIAL_STATUS, webrtc: 'missing' as const, serverRelayOff: true }
    for (const signaling of ['connecting', 'connected', 'reconnecting', 'unreachable'] as const) {
      expect(syncState({ ...missing, signaling })).toBe('no-webrtc')
    }
    expect(syncState({ ...missing, signaling: 'connected', tabs: 1 })).toBe('no-webrtc')
    expect(syncState({ ...missing, signaling: 'connected', peers: 1, syncedPeers: 1 })).toBe('synced')
  })
})
