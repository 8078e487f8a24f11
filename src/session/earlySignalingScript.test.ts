import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../../signaling/testing/conditions'
import { buildEarlyScript } from '../early/buildEarlyScript'
import { createEditFragment, isDamagedV2Link, readFragment } from '../room/roomAccess'

/** The page's `/early-signaling.js`, built as the app's build builds it. */
const SCRIPT = (await buildEarlyScript('early-signaling.js')).code

/** What the last `run` asked its server for (the ICE servers), by URL. */
let fetched: string[] = []

/** Runs /early-signaling.js on a page at `href`; returns the URLs it opened sockets to. */
function run(href: string, secure = true): string[] {
  const url = new URL(href)
  const opened: string[] = []
  fetched = []
  const window: Record<string, unknown> = {
    isSecureContext: secure,
    location: { protocol: url.protocol, host: url.host, origin: url.origin, search: url.search, hash: url.hash },
  }
  const fetch = (target: string): Promise<never> => {
    fetched.push(target)
    return Promise.reject(new Error('no network in this test'))
  }
  window.WebSocket = class {
    constructor(readonly url: string) {
      opened.push(url)
    }
  }
  runInNewContext(SCRIPT, { window, WebSocket: window.WebSocket, URLSearchParams, setTimeout: () => 0, fetch, atob, btoa })
  return opened
}

describe('/early-signaling.js', () => {
  it("opens the page's default signaling URL for a new room, a v1 link and whole v2 links", () => {
    const fragments = ['', '#my-old-room', `#${createEditFragment()}`, `#${readFragment(new Uint8Array(32).fill(7), new Uint8Array(32).fill(9))}`]
    for (const fragment of fragments) expect(run(`https://meshpad.example/${fragment}`)).toEqual(['wss://meshpad.example/signaling'])
    expect(run('http://localhost:4444/#room')).toEqual(['ws://localhost:4444/signaling'])
    // …and asks the page's server for its ICE servers, as the app would.
    expect(fetched).toEqual(['http://localhost:4444/ice-servers'])
  })

  it('opens nothing for a link the app refuses as damaged (as isDamagedV2Link says)', () => {
    const edit = createEditFragment()
    // The last one is shaped right but not a key’s one encoding (the 43rd character carries spare bits).
    const nonCanonical = `${edit.slice(0, -1)}${edit.endsWith('B') ? 'C' : 'B'}`
    for (const fragment of ['e1.cut-short', 'r1.cut-short', edit.slice(0, -1), `${edit}x`, 'r1.', `${edit}.${edit.slice(3)}`, nonCanonical]) {
      expect(isDamagedV2Link(fragment)).toBe(true)
      expect(run(`https://meshpad.example/#${fragment}`)).toEqual([])
      expect(fetched).toEqual([])
    }
  })

  it('opens nothing with ?signaling= (the app connects to those servers) or on an insecure origin', () => {
    expect(run('https://meshpad.example/?signaling=wss%3A%2F%2Fother.example#room')).toEqual([])
    expect(run('http://192.168.1.20:4444/#room', false)).toEqual([])
  })
})

/** An open socket as the platform's: an event target that notes what is sent. */
class OpenSocket extends EventTarget {
  readyState = 1
  readonly sent: string[] = []
  send(data: string): void {
    this.sent.push(data)
  }
  close(): void {
    this.readyState = 3
  }
}

/** WebCrypto whose `encrypt` answers when the test says (so the test knows when the script's announce is ready). */
function pacedCrypto(): { crypto: Crypto; encrypts: (() => void)[] } {
  const encrypts: (() => void)[] = []
  const subtle = { encrypt: () => new Promise<ArrayBuffer>((resolve) => encrypts.push(() => resolve(new ArrayBuffer(16)))) }
  const crypto = { randomUUID: () => globalThis.crypto.randomUUID(), getRandomValues: <T extends ArrayBufferView>(array: T) => globalThis.crypto.getRandomValues(array), subtle }
  return { crypto: crypto as unknown as Crypto, encrypts }
}

/** Every microtask queued so far has run (a macrotask comes after them all). */
const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Runs /early-signaling.js on a page of room `fragment` whose socket opened at once; `roomKey` as /early-copy.js leaves it. */
function runAnnouncing(fragment: string, crypto: Crypto, roomKey?: { fragment: string; topic: Promise<string>; key: Promise<CryptoKey | null> }) {
  const page = Object.assign(new EventTarget(), {
    isSecureContext: true,
    location: { protocol: 'https:', host: 'meshpad.example', origin: 'https://meshpad.example', search: '', hash: `#${fragment}` },
    __meshpadEarlyRoomKey: roomKey,
    __meshpadEarlySignaling: undefined as { socket: OpenSocket; peerId?: string; release?: () => void } | undefined,
  })
  runInNewContext(SCRIPT, { window: page, WebSocket: OpenSocket, URLSearchParams, setTimeout: () => 0, crypto, btoa, TextEncoder, MessageEvent })
  const early = page.__meshpadEarlySignaling!
  return { page, early, socket: early.socket }
}

describe("/early-signaling.js's announce", () => {
  const key = Promise.resolve({ type: 'secret' } as CryptoKey)

  it('waits for /early-copy.js when that script runs second, then subscribes to the topic and announces', async () => {
    const { crypto, encrypts } = pacedCrypto()
    const { page, socket } = runAnnouncing('room', crypto)
    await settled()
    expect(socket.sent).toEqual([])
    page.__meshpadEarlyRoomKey = { fragment: 'room', topic: Promise.resolve('the-topic'), key }
    page.dispatchEvent(new Event('meshpad:early-room-key'))
    await waitFor(() => encrypts.length === 1)
    encrypts[0]!()
    await waitFor(() => socket.sent.length === 2)
    expect(JSON.parse(socket.sent[0]!)).toEqual({ type: 'subscribe', topics: ['the-topic'] })
    expect(JSON.parse(socket.sent[1]!)).toMatchObject({ type: 'publish', topic: 'the-topic' })
  })

  it('announces nothing once the session took the socket (its room announces itself), nor with a key of another room or none', async () => {
    const { crypto, encrypts } = pacedCrypto()
    const taken = runAnnouncing('room', crypto, { fragment: 'room', topic: Promise.resolve('the-topic'), key })
    await waitFor(() => encrypts.length === 1)
    delete taken.page.__meshpadEarlySignaling
    encrypts[0]!()
    await settled()
    expect(taken.socket.sent).toEqual([])

    const other = runAnnouncing('room', crypto, { fragment: 'another-room', topic: Promise.resolve('another-topic'), key })
    const failed = runAnnouncing('room', crypto, { fragment: 'room', topic: Promise.resolve('the-topic'), key: Promise.resolve(null) })
    await settled()
    expect(encrypts).toHaveLength(1)
    expect([other.socket.sent, failed.socket.sent]).toEqual([[], []])
  })

  it('holds no message before its announce: those reach the socket’s other listeners at once', async () => {
    const { crypto } = pacedCrypto()
    const { early, socket } = runAnnouncing('room', crypto, { fragment: 'room', topic: Promise.resolve('the-topic'), key })
    const delivered: unknown[] = []
    socket.addEventListener('message', (event) => delivered.push((event as MessageEvent).data))
    socket.dispatchEvent(new MessageEvent('message', { data: '{"type":"pong"}' }))
    expect(delivered).toEqual(['{"type":"pong"}'])
    early.release!()
    expect(delivered).toHaveLength(1)
  })
})
