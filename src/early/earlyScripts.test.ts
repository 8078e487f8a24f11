// @vitest-environment node
import 'fake-indexeddb/auto'
import { readFileSync } from 'node:fs'
import { runInNewContext } from 'node:vm'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { ICE_SERVERS_REQUEST, iceServersUrl } from '../network/iceServers'
import { deriveRoomEncryptionKey } from '../network/roomEncryptionKey'
import { signalingUrls } from '../network/signalingUrls'
import { accessPassword, accessTopic, createEditFragment, parseRoomAccess, readFragment } from '../room/roomAccess'
import { roomLinkProblem } from '../room/roomLinkProblem'
import type { EarlyRoomKey } from '../session/earlySignaling'
import type { EarlyCopy } from '../storage/earlyCopy'
import { roomDatabaseName } from '../storage/openRoomDatabase'
import { EARLY_SCRIPTS, buildEarlyScript, type EarlyScriptFile } from './buildEarlyScript'

const FILES = Object.keys(EARLY_SCRIPTS) as EarlyScriptFile[]
const built = Object.fromEntries(await Promise.all(FILES.map(async (file) => [file, (await buildEarlyScript(file)).code] as const))) as Record<EarlyScriptFile, string>

/** What /early-copy.js leaves on a page at `https://meshpad.example/#fragment`. */
async function earlyCopyOf(fragment: string): Promise<{ databaseName?: string; topic?: string; key?: string | null }> {
  const page: { isSecureContext: boolean; location: { hash: string }; __meshpadEarlyCopy?: EarlyCopy; __meshpadEarlyRoomKey?: EarlyRoomKey } = {
    isSecureContext: true,
    location: { hash: `#${fragment}` },
  }
  runInNewContext(built['early-copy.js'], { window: page, indexedDB, crypto, TextEncoder, atob, btoa, setTimeout: () => 0 })
  const read = await page.__meshpadEarlyCopy?.done
  read?.db.close()
  const key = await page.__meshpadEarlyRoomKey?.key
  return { databaseName: read?.name, topic: await page.__meshpadEarlyRoomKey?.topic, key: key === undefined ? undefined : await rawKey(key) }
}

/** What /early-signaling.js asks for on a page at `href`: its sockets' URLs and its requests. */
function earlySignalingOf(href: string): { sockets: string[]; requests: [string, unknown][] } {
  const url = new URL(href)
  const sockets: string[] = []
  const requests: [string, unknown][] = []
  const window = { isSecureContext: true, location: { protocol: url.protocol, host: url.host, origin: url.origin, search: url.search, hash: url.hash } }
  const WebSocket = class {
    constructor(target: string) {
      sockets.push(target)
    }
  }
  const fetch = (target: string, init: unknown): Promise<never> => {
    requests.push([target, init])
    return Promise.reject(new Error('no network in this test'))
  }
  runInNewContext(built['early-signaling.js'], { window, WebSocket, URLSearchParams, setTimeout: () => 0, fetch, atob, btoa })
  return { sockets, requests }
}

async function rawKey(key: CryptoKey | null): Promise<string | null> {
  return key === null ? null : Buffer.from(await crypto.subtle.exportKey('raw', key)).toString('hex')
}

/**
 * The early scripts and the app must agree on every rule they share, or a page would read another
 * database, announce itself under another key, or open a room the app refuses. They are built from
 * the app's modules; these tests fail if a build, or a copy of a rule, makes them disagree.
 */
describe('the early scripts and the app', () => {
  const edit = createEditFragment()
  const access = parseRoomAccess(edit)
  if (access.version !== 2) throw new Error('not a v2 link')
  const read = readFragment(access.roomKey, new Uint8Array(32).fill(5))
  const nonCanonical = `${edit.slice(0, -1)}${edit.endsWith('B') ? 'C' : 'B'}`

  it('derive one database name, topic and encryption key for a v1 link and both links of a v2 room', async () => {
    for (const fragment of ['my-old-room', 'ünïcödé room', edit, read]) {
      const room = parseRoomAccess(fragment)
      const topic = accessTopic(room)
      expect(await earlyCopyOf(fragment), fragment).toEqual({
        databaseName: roomDatabaseName(topic),
        topic,
        key: await rawKey(await deriveRoomEncryptionKey(accessPassword(room), topic)),
      })
    }
  })

  it('refuse the same damaged links, and open the others', async () => {
    for (const fragment of ['e1.cut-short', 'r1.', `${edit}x`, nonCanonical, 'my-old-room', edit, read]) {
      const refused = roomLinkProblem(fragment) !== null
      expect((await earlyCopyOf(fragment)).databaseName === undefined, fragment).toBe(refused)
      expect(earlySignalingOf(`https://meshpad.example/#${fragment}`).sockets.length === 0, fragment).toBe(refused)
    }
  })

  it('connect to the same signaling server and ask for the ICE servers as the app does', () => {
    for (const href of ['https://meshpad.example/#room', 'http://localhost:4444/#room']) {
      const url = new URL(href)
      expect(earlySignalingOf(href)).toEqual({ sockets: signalingUrls(url), requests: [[iceServersUrl(url.origin), ICE_SERVERS_REQUEST]] })
    }
  })
})

describe('the early scripts as built', () => {
  it('are the classic scripts index.html loads, without waiting, by the file names the build emits', () => {
    const html = readFileSync(new URL('../../index.html', import.meta.url), 'utf8')
    for (const file of FILES) expect(html).toContain(`<script async src="/${file}"></script>`)
    for (const code of Object.values(built)) expect(code).not.toMatch(/^\s*(import|export)\b/m)
  })

  it('stay small: every first visit loads them before the app (at most 4 kB gzipped each)', () => {
    for (const file of FILES) expect(gzipSync(built[file]).length, file).toBeLessThanOrEqual(4096)
  })
})
