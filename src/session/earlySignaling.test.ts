import { describe, expect, it, vi } from 'vitest'
import { dropEarlySignaling, takeEarlyRoomKey, withEarlyIceServers, withEarlySignaling, type EarlyIceServers, type EarlyRoomKey, type EarlySignaling } from './earlySignaling'

const URL_ = 'wss://meshpad.example/signaling'

/** A socket as the platform's: an event target with a ready state and `close()`. */
class FakeSocket extends EventTarget {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  static created: FakeSocket[] = []
  readyState = FakeSocket.CONNECTING
  readonly close = vi.fn(() => {
    this.readyState = FakeSocket.CLOSED
  })
  constructor(readonly url: string) {
    super()
    FakeSocket.created.push(this)
  }
}

function pageWith(readyState: number | null): { page: { __meshpadEarlySignaling?: EarlySignaling; WebSocket: typeof WebSocket }; early: FakeSocket } {
  FakeSocket.created = []
  const early = new FakeSocket(URL_)
  early.readyState = readyState ?? FakeSocket.CONNECTING
  FakeSocket.created = []
  const page = { WebSocket: FakeSocket as unknown as typeof WebSocket } as { __meshpadEarlySignaling?: EarlySignaling; WebSocket: typeof WebSocket }
  if (readyState !== null) page.__meshpadEarlySignaling = { url: URL_, socket: early as unknown as WebSocket }
  return { page, early }
}

describe('withEarlySignaling', () => {
  it('gives an open early socket to the connection for its URL, and tells it that it is open', async () => {
    const { page, early } = pageWith(FakeSocket.OPEN)
    const opened = vi.fn()
    const socket = withEarlySignaling(() => {
      const created = new page.WebSocket(URL_)
      created.addEventListener('open', opened)
      return created
    }, page)
    expect(socket).toBe(early)
    expect(FakeSocket.created).toEqual([])
    expect(page.WebSocket).toBe(FakeSocket)
    expect(page.__meshpadEarlySignaling).toBeUndefined()
    await Promise.resolve()
    expect(opened).toHaveBeenCalledTimes(1)
    expect(early.close).not.toHaveBeenCalled()
  })

  it('gives a connecting socket without an event of its own (the real one comes)', async () => {
    const { page, early } = pageWith(FakeSocket.CONNECTING)
    const opened = vi.fn()
    const socket = withEarlySignaling(() => new page.WebSocket(URL_), page)
    socket.addEventListener('open', opened)
    await Promise.resolve()
    expect(socket).toBe(early)
    expect(opened).not.toHaveBeenCalled()
  })

  it('gives it once: a second connection, or one to another URL, gets a socket of its own', () => {
    const { page, early } = pageWith(FakeSocket.OPEN)
    const [first, second, other] = withEarlySignaling(() => [new page.WebSocket(URL_), new page.WebSocket(URL_), new page.WebSocket('wss://other.example/signaling')], page)
    expect(first).toBe(early)
    expect(second).not.toBe(early)
    expect(other).not.toBe(early)
    expect(FakeSocket.created.map((socket) => socket.url)).toEqual([URL_, 'wss://other.example/signaling'])
  })

  it('does not give a socket that has closed, and closes one nobody took', () => {
    const closed = pageWith(FakeSocket.CLOSED)
    const socket = withEarlySignaling(() => new closed.page.WebSocket(URL_), closed.page)
    expect(socket).not.toBe(closed.early)

    const untaken = pageWith(FakeSocket.OPEN)
    withEarlySignaling(() => new untaken.page.WebSocket('wss://other.example/signaling'), untaken.page)
    expect(untaken.early.close).toHaveBeenCalledTimes(1)
    expect(untaken.page.WebSocket).toBe(FakeSocket)
  })

  it('restores the platform socket when opening throws', () => {
    const { page, early } = pageWith(FakeSocket.OPEN)
    expect(() =>
      withEarlySignaling(() => {
        throw new Error('no session')
      }, page),
    ).toThrow('no session')
    expect(page.WebSocket).toBe(FakeSocket)
    expect(early.close).toHaveBeenCalledTimes(1)
  })

  it("hands the script's announce (its peer id and release) to `open`, and releases it if `open` throws", () => {
    const { page } = pageWith(FakeSocket.OPEN)
    const release = vi.fn()
    Object.assign(page.__meshpadEarlySignaling!, { peerId: 'announced-peer', release })
    const given = withEarlySignaling((announcedAhead) => announcedAhead, page)
    expect(given).toEqual({ peerId: 'announced-peer', release })
    expect(release).not.toHaveBeenCalled()

    const failing = pageWith(FakeSocket.OPEN)
    const released = vi.fn()
    Object.assign(failing.page.__meshpadEarlySignaling!, { peerId: 'announced-peer', release: released })
    expect(() =>
      withEarlySignaling(() => {
        throw new Error('no session')
      }, failing.page),
    ).toThrow('no session')
    expect(released).toHaveBeenCalledTimes(1)

    // A script that could announce nothing leaves neither; a page without it gives nothing.
    expect(withEarlySignaling((announcedAhead) => announcedAhead, pageWith(FakeSocket.OPEN).page)).toBeUndefined()
    expect(withEarlySignaling((announcedAhead) => announcedAhead, pageWith(null).page)).toBeUndefined()
  })

  it('without an early socket, opens as usual', () => {
    const { page } = pageWith(null)
    const socket = withEarlySignaling(() => new page.WebSocket(URL_), page)
    expect(FakeSocket.created).toEqual([socket])
  })
})

describe('dropEarlySignaling', () => {
  it('closes the early socket and forgets it', () => {
    const { page, early } = pageWith(FakeSocket.OPEN)
    dropEarlySignaling(page)
    expect(early.close).toHaveBeenCalledTimes(1)
    expect(page.__meshpadEarlySignaling).toBeUndefined()
  })
})

describe('takeEarlyRoomKey', () => {
  it("gives the early key only to the room of the fragment it was derived from, and only once", async () => {
    const key = { type: 'secret' } as CryptoKey
    const page: { __meshpadEarlyRoomKey?: EarlyRoomKey } = { __meshpadEarlyRoomKey: { fragment: 'e1.room', topic: Promise.resolve('topic'), key: Promise.resolve(key) } }
    expect(await takeEarlyRoomKey('e1.room', page)).toBe(key)
    expect(takeEarlyRoomKey('e1.room', page)).toBeUndefined()

    page.__meshpadEarlyRoomKey = { fragment: 'e1.other', topic: Promise.resolve('other'), key: Promise.resolve(key) }
    expect(takeEarlyRoomKey('e1.room', page)).toBeUndefined()
    expect(page.__meshpadEarlyRoomKey).toBeUndefined()
    expect(takeEarlyRoomKey('e1.room', {})).toBeUndefined()
  })
})

describe('withEarlyIceServers', () => {
  it("answers the first request for the early script's URL with that script's answer, and every other from the network", async () => {
    const early = new Response('{"iceServers":[],"expiresAt":null}')
    const page: { __meshpadEarlyIceServers?: EarlyIceServers } = { __meshpadEarlyIceServers: { url: 'https://meshpad.example/ice-servers', answer: Promise.resolve(early) } }
    const network = vi.fn(async () => new Response('from the network'))
    const fetch = withEarlyIceServers(network, page)
    expect(await fetch('https://meshpad.example/ice-servers')).toBe(early)
    expect(network).not.toHaveBeenCalled()
    expect(page.__meshpadEarlyIceServers).toBeUndefined()
    expect(await (await fetch('https://meshpad.example/ice-servers')).text()).toBe('from the network')

    page.__meshpadEarlyIceServers = { url: 'https://elsewhere.example/ice-servers', answer: Promise.resolve(early) }
    expect(await (await withEarlyIceServers(network, page)('https://meshpad.example/ice-servers')).text()).toBe('from the network')
    expect(network).toHaveBeenCalledTimes(2)
  })
})
