import { describe, expect, it } from 'vitest'
import { INITIAL_STATUS } from '../collab/sessionStatus'
import { statusText } from './statusText'

describe('statusText', () => {
  it('counts peers and tabs in words', () => {
    expect(statusText({ ...INITIAL_STATUS, peers: 0 }).peers).toBe('No peers connected')
    expect(statusText({ ...INITIAL_STATUS, peers: 1 }).peers).toBe('1 peer connected directly')
    expect(statusText({ ...INITIAL_STATUS, peers: 3, tabs: 2 }).peers).toBe('3 peers connected directly · 2 other tabs')
  })

  it('says when the latest edit is on this device, and why not', () => {
    expect(statusText({ ...INITIAL_STATUS, storage: 'saved' }).storage).toBe('Saved on this device')
    expect(statusText({ ...INITIAL_STATUS, storage: 'error', storageError: 'QuotaExceededError: full' }).storage).toContain('QuotaExceededError')
  })

  it('names every signaling state differently', () => {
    const states = ['connecting', 'connected', 'reconnecting', 'unreachable'] as const
    const texts = new Set(states.map((signaling) => statusText({ ...INITIAL_STATUS, signaling }).signaling))
    expect(texts.size).toBe(states.length)
  })
})
