import { EventEmitter } from 'node:events'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CONNECT_TIMEOUT_MS, PeerLinks } from './PeerLinks'

/** A y-webrtc connection as PeerLinks sees it: simple-peer emits `close` after `destroy()`. */
function fakeConn(): { connected: boolean; closed: boolean; peer: EventEmitter & { destroy: () => void } } {
  const peer = Object.assign(new EventEmitter(), { destroy: vi.fn(() => queueMicrotask(() => peer.emit('close'))) })
  return { connected: false, closed: false, peer }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('PeerLinks', () => {
  it('closes a connection that is not up within the connect timeout, and reports its peer down', async () => {
    vi.useFakeTimers()
    const down: string[] = []
    const links = new PeerLinks({ onChange: () => {}, onPeerDown: (peerId) => down.push(peerId) })
    const conn = fakeConn()
    links.track('gone', conn as never)
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS - 1)
    expect(conn.peer.destroy).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(conn.peer.destroy).toHaveBeenCalledTimes(1)
    await vi.runAllTimersAsync()
    expect(down).toEqual(['gone'])
    links.destroy()
  })

  it('keeps a connection that came up in time, and one it stopped following', () => {
    vi.useFakeTimers()
    const links = new PeerLinks({ onChange: () => {}, onPeerDown: () => {}, connectTimeoutMs: 100 })
    const up = fakeConn()
    const left = fakeConn()
    links.track('up', up as never)
    links.track('left', left as never)
    up.connected = true
    up.peer.emit('connect')
    links.destroy()
    vi.advanceTimersByTime(1000)
    expect(up.peer.destroy).not.toHaveBeenCalled()
    expect(left.peer.destroy).not.toHaveBeenCalled()
  })
})
