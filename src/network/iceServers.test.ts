import { afterEach, describe, expect, it, vi } from 'vitest'
import { FIRST_ANSWER_WAIT_MS, fetchIceServers, parseIceServers, RENEW_AT_SHARE, RETRY_DELAYS_MS, type IceServerSource } from './iceServers'

const sources: IceServerSource[] = []
afterEach(() => {
  for (const source of sources.splice(0)) source.destroy()
  vi.useRealTimers()
})

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function start(fetch: typeof globalThis.fetch, now?: () => number): IceServerSource {
  const source = fetchIceServers({ url: 'https://meshpad.example/ice-servers', fetch, now })
  sources.push(source)
  return source
}

const TURN = { urls: ['turn:203.0.113.5:3478'], username: '1:a', credential: 'c' }

describe('parseIceServers', () => {
  it('takes the documented shape and refuses anything else', () => {
    expect(parseIceServers({ iceServers: [{ urls: 'stun:203.0.113.5' }, TURN], expiresAt: 5 })).toEqual({ iceServers: [{ urls: ['stun:203.0.113.5'] }, TURN], expiresAt: 5 })
    expect(parseIceServers({ iceServers: [], expiresAt: null })).toEqual({ iceServers: [], expiresAt: null })
    for (const bad of [null, 'x', {}, { iceServers: {} , expiresAt: null }, { iceServers: [{ urls: 'https://evil.example' }], expiresAt: null }, { iceServers: [{ urls: [] }], expiresAt: null }, { iceServers: [{ urls: 'turn:x', username: 1 }], expiresAt: null }, { iceServers: [], expiresAt: 'soon' }]) {
      expect(parseIceServers(bad)).toBeNull()
    }
  })
})

describe('fetchIceServers', () => {
  it('says when the first request has an outcome: servers, none (404), a failure, no answer in time, or destroyed', async () => {
    vi.useFakeTimers()
    const settled = async (source: IceServerSource): Promise<boolean> => {
      let done = false
      void source.whenAnswered.then(() => (done = true))
      await vi.advanceTimersByTimeAsync(0)
      return done
    }
    expect(await settled(start(async () => json({ iceServers: [TURN], expiresAt: null })))).toBe(true)
    expect(await settled(start(async () => new Response('not found', { status: 404 })))).toBe(true)
    expect(await settled(start(() => Promise.reject(new TypeError('network down'))))).toBe(true)
    expect(await settled(start(async () => new Response('<html>', { status: 200 })))).toBe(true)

    const hanging = start(() => new Promise<Response>(() => {}))
    expect(await settled(hanging)).toBe(false)
    await vi.advanceTimersByTimeAsync(FIRST_ANSWER_WAIT_MS - 1)
    expect(await settled(hanging)).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await settled(hanging)).toBe(true)

    const destroyed = start(() => new Promise<Response>(() => {}))
    destroyed.destroy()
    expect(await settled(destroyed)).toBe(true)
  })

  it('starts with none, then applies the answer', async () => {
    const source = start(async () => json({ iceServers: [TURN], expiresAt: null }))
    expect(source.current).toEqual([])
    expect(source.state).toBe('loading')
    const changed = new Promise<void>((resolve) => source.onChange(resolve))
    await changed
    expect(source.state).toBe('ready')
    expect(source.current).toEqual([TURN])
  })

  it('settles on none, asking no more, when the server has no such endpoint', async () => {
    const fetch = vi.fn(async () => new Response('not found', { status: 404 }))
    vi.useFakeTimers()
    const source = start(fetch)
    await vi.waitFor(() => expect(source.state).toBe('unavailable'))
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(fetch).toHaveBeenCalledTimes(1)
    expect(source.current).toEqual([])
  })

  it('retries a failed request with growing delays, then renews before the credentials expire', async () => {
    vi.useFakeTimers()
    let now = 1_000_000
    const answers: (() => Promise<Response>)[] = [
      () => Promise.reject(new TypeError('network down')),
      async () => new Response('<html>', { status: 200 }),
      async () => json({ iceServers: [TURN], expiresAt: now + 100_000 }),
      async () => json({ iceServers: [{ ...TURN, username: '2:b' }], expiresAt: now + 100_000 }),
    ]
    const fetch = vi.fn(() => answers.shift()!())
    const source = start(fetch, () => now)
    await vi.advanceTimersByTimeAsync(0)
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(RETRY_DELAYS_MS[0])
    expect(fetch).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(RETRY_DELAYS_MS[1] - 1)
    expect(fetch).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(fetch).toHaveBeenCalledTimes(3)
    expect(source.current).toEqual([TURN])
    now += 100_000 * RENEW_AT_SHARE
    await vi.advanceTimersByTimeAsync(100_000 * RENEW_AT_SHARE)
    expect(fetch).toHaveBeenCalledTimes(4)
    expect(source.current[0]!.username).toBe('2:b')
  })

  it('stops everything on destroy', async () => {
    vi.useFakeTimers()
    const fetch = vi.fn(() => Promise.reject(new TypeError('down')))
    const source = start(fetch)
    await vi.advanceTimersByTimeAsync(0)
    source.destroy()
    source.destroy()
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})
