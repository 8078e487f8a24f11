import { describe, expect, it } from 'vitest'
import { INITIAL_STATUS } from '../../session/sessionStatus'
import { statusText } from './statusText'

const connected = { ...INITIAL_STATUS, signaling: 'connected' as const }

describe('statusText', () => {
  it('counts peers and tabs in words, and says when the sync exchange is done', () => {
    expect(statusText({ ...connected, peers: 0 }).peers).toBe('No peers connected')
    expect(statusText({ ...connected, peers: 1, syncedPeers: 0 }).peers).toBe('1 peer connected directly, syncing…')
    expect(statusText({ ...connected, peers: 1, syncedPeers: 1 }).peers).toBe('Synced with 1 peer')
    expect(statusText({ ...connected, peers: 3, syncedPeers: 3, tabs: 2 }).peers).toBe('Synced with 3 peers · 2 other tabs')
  })

  it('says that edits stay on this device while no peer and no server is reachable', () => {
    const offline = { ...INITIAL_STATUS, signaling: 'unreachable' as const, storage: 'saved' as const }
    expect(statusText(offline).peers).toBe('Offline: edits are saved on this device and will sync when a peer is reachable')
    expect(statusText({ ...offline, signaling: 'reconnecting' }).peers).toMatch(/^Offline/)
    // It never claims a save that failed.
    expect(statusText({ ...offline, storage: 'error', storageError: 'QuotaExceededError' }).peers).not.toContain('saved')
    // Peers reached directly count, server or not.
    expect(statusText({ ...offline, peers: 2, syncedPeers: 2 }).peers).toBe('Synced with 2 peers')
  })

  it('says when the latest edit is on this device, and why not', () => {
    expect(statusText({ ...INITIAL_STATUS, storage: 'saved' }).storage).toBe('Saved on this device')
    expect(statusText({ ...INITIAL_STATUS, storage: 'error', storageError: 'QuotaExceededError: full' }).storage).toContain('QuotaExceededError')
  })

  it('names the always-on peers that keep the latest edit, only once it is saved here too', () => {
    expect(statusText({ ...INITIAL_STATUS, storage: 'saved' }, 1).storage).toBe('Saved on this device and on 1 always-on peer')
    expect(statusText({ ...INITIAL_STATUS, storage: 'saved' }, 2).storage).toBe('Saved on this device and on 2 always-on peers')
    expect(statusText({ ...INITIAL_STATUS, storage: 'saving' }, 1).storage).toBe('Saving on this device…')
    expect(statusText({ ...INITIAL_STATUS, storage: 'error', storageError: 'full' }, 1).storage).not.toContain('always-on')
  })

  it('names every signaling state differently', () => {
    const states = ['connecting', 'connected', 'reconnecting', 'unreachable'] as const
    const texts = new Set(states.map((signaling) => statusText({ ...INITIAL_STATUS, signaling }).signaling))
    expect(texts.size).toBe(states.length)
  })

  it('tells a browser without WebRTC that it reaches nobody, why, and what would help', () => {
    expect(statusText({ ...connected, webrtc: 'missing', storage: 'saved' }).peers).toBe(
      'No peers connected · this browser has no WebRTC: it reaches others only through the server’s relay (encrypted)',
    )
    const missing = { ...connected, webrtc: 'missing' as const, storage: 'saved' as const, serverRelayOff: true }
    expect(statusText(missing).peers).toBe(
      'This browser cannot connect to others: it has no WebRTC. To edit together, open the link in a current ' +
        'Firefox, Chrome, Edge or Safari; edits made here are saved on this device',
    )
    expect(statusText({ ...missing, signaling: 'unreachable' }).peers).toMatch(/^This browser cannot connect to others/)
    // It never claims a save that failed.
    expect(statusText({ ...missing, storage: 'error', storageError: 'QuotaExceededError' }).peers).not.toContain('saved')
    expect(statusText({ ...missing, tabs: 1 }).peers).toMatch(/ · 1 other tab$/)
  })
})
