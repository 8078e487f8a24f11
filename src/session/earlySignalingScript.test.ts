import { readFileSync } from 'node:fs'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { createEditFragment, isDamagedV2Link, readFragment } from '../room/roomAccess'

const SCRIPT = readFileSync(new URL('../../public/early-signaling.js', import.meta.url), 'utf8')

/** What the last `run` asked its server for (the ICE servers), by URL. */
let fetched: string[] = []

/** Runs public/early-signaling.js on a page at `href`; returns the URLs it opened sockets to. */
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
  runInNewContext(SCRIPT, { window, WebSocket: window.WebSocket, URLSearchParams, setTimeout: () => 0, fetch })
  return opened
}

describe('public/early-signaling.js', () => {
  it("opens the page's default signaling URL for a new room, a v1 link and whole v2 links", () => {
    const fragments = ['', '#my-old-room', `#${createEditFragment()}`, `#${readFragment(new Uint8Array(32).fill(7), new Uint8Array(32).fill(9))}`]
    for (const fragment of fragments) expect(run(`https://meshpad.example/${fragment}`)).toEqual(['wss://meshpad.example/signaling'])
    expect(run('http://localhost:4444/#room')).toEqual(['ws://localhost:4444/signaling'])
    // …and asks the page's server for its ICE servers, as the app would.
    expect(fetched).toEqual(['http://localhost:4444/ice-servers'])
  })

  it('opens nothing for a link the app refuses as damaged (as isDamagedV2Link says)', () => {
    const edit = createEditFragment()
    for (const fragment of ['e1.cut-short', 'r1.cut-short', edit.slice(0, -1), `${edit}x`, 'r1.', `${edit}.${edit.slice(3)}`]) {
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
