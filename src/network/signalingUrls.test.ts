import { describe, expect, it, vi } from 'vitest'
import { signalingUrls } from './signalingUrls'

const page = (protocol: string, host: string, search = '') => ({ protocol, host, search })

describe('signalingUrls', () => {
  it('defaults to the page origin at /signaling, wss under https', () => {
    expect(signalingUrls(page('http:', 'localhost:4444'))).toEqual(['ws://localhost:4444/signaling'])
    expect(signalingUrls(page('https:', 'pad.example'))).toEqual(['wss://pad.example/signaling'])
  })

  it('takes several servers from ?signaling=, deduplicated', () => {
    const search = '?signaling=' + encodeURIComponent('wss://a.example/signaling, wss://b.example,wss://a.example/signaling')
    expect(signalingUrls(page('https:', 'pad.example', search))).toEqual(['wss://a.example/signaling', 'wss://b.example'])
  })

  it('ignores entries that are not WebSocket URLs, and falls back when none is left', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(signalingUrls(page('https:', 'pad.example', '?signaling=https://x,javascript:alert(1),ws://ok'))).toEqual(['ws://ok'])
    expect(signalingUrls(page('https:', 'pad.example', '?signaling=nonsense'))).toEqual(['wss://pad.example/signaling'])
    expect(signalingUrls(page('https:', 'pad.example', '?signaling='))).toEqual(['wss://pad.example/signaling'])
    expect(warn).toHaveBeenCalledTimes(3)
    warn.mockRestore()
  })
})
