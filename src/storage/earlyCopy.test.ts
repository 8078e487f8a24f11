// @vitest-environment node
import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { deriveRoomEncryptionKey } from '../network/roomEncryptionKey'
import { accessPassword, accessTopic, createEditFragment, isDamagedV2Link, parseRoomAccess, readFragment } from '../room/roomAccess'
import type { EarlyRoomKey } from '../session/earlySignaling'
import { roomTopic } from '../room/roomTopic'
import { buildEarlyScript } from '../early/buildEarlyScript'
import { IndexeddbCopy, storeIndexeddbCopy } from './IndexeddbCopy'
import { roomDatabaseName } from './openRoomDatabase'
import { takeEarlyCopy, type EarlyCopyRead } from './earlyCopy'

/** The page's `/early-copy.js`, built as the app's build builds it. */
const SCRIPT = (await buildEarlyScript('early-copy.js')).code

interface Page {
  isSecureContext: boolean
  location: { hash: string }
  __meshpadEarlyCopy?: { result?: EarlyCopyRead | null; done: Promise<EarlyCopyRead | null> }
  __meshpadEarlyRoomKey?: EarlyRoomKey
}

/** Runs /early-copy.js on a page with `hash`, with this process's IndexedDB (fake) and WebCrypto. */
function run(hash: string, secure = true): Page {
  const page: Page = { isSecureContext: secure, location: { hash } }
  const globals = { window: page, indexedDB, crypto: globalThis.crypto, TextEncoder, atob, btoa, setTimeout: () => 0 }
  // In this realm, so its promises and typed arrays are this test's.
  new Function(...Object.keys(globals), SCRIPT)(...Object.values(globals))
  return page
}

function isOpen(db: IDBDatabase): boolean {
  try {
    db.transaction(['updates'], 'readonly')
    return true
  } catch {
    return false
  }
}

const textOf = (doc: Y.Doc): string => doc.getText('content').toString()

function docWith(text: string): Y.Doc {
  const doc = new Y.Doc()
  doc.getText('content').insert(0, text)
  return doc
}

describe('/early-copy.js', () => {
  it("opens the database the session opens (roomDatabaseName of the room's topic) for a v1 link and both v2 links", async () => {
    const edit = createEditFragment()
    const access = parseRoomAccess(edit)
    if (access.version !== 2) throw new Error('not a v2 link')
    const read = readFragment(access.roomKey, new Uint8Array(32).fill(9))
    // v1 secrets whose hashed input is 55, 56 and 64 bytes long (SHA-256's padding
    // boundaries), and one that is not ASCII.
    const v1 = ['my-old-room', 'x'.repeat(39), 'x'.repeat(40), 'x'.repeat(48), 'ünïcödé-room']
    for (const fragment of [...v1, edit, read]) {
      const early = run(`#${fragment}`).__meshpadEarlyCopy
      const result = await early?.done
      expect(result?.name).toBe(roomDatabaseName(roomTopic(fragment)))
      expect(early?.result).toBe(result)
      result?.db.close()
    }
    // Both links of a v2 room name one database.
    expect(roomTopic(read)).toBe(roomTopic(edit))
  })

  it('derives the encryption key the session would derive (its password and topic), for a v1 link and both v2 links', async () => {
    const raw = async (key: CryptoKey | null): Promise<string> => Buffer.from(await crypto.subtle.exportKey('raw', key!)).toString('hex')
    const edit = createEditFragment()
    const access = parseRoomAccess(edit)
    if (access.version !== 2) throw new Error('not a v2 link')
    const read = readFragment(access.roomKey, new Uint8Array(32).fill(9))
    const keys: string[] = []
    for (const fragment of ['my-old-room', edit, read]) {
      const page = run(`#${fragment}`)
      const early = page.__meshpadEarlyRoomKey
      expect(early?.fragment).toBe(fragment)
      const room = parseRoomAccess(fragment)
      keys.push(await raw(await early!.key))
      expect(keys.at(-1)).toBe(await raw(await deriveRoomEncryptionKey(accessPassword(room), accessTopic(room))))
      ;(await page.__meshpadEarlyCopy?.done)?.db.close()
    }
    // Both links of a v2 room share the key; another room has another.
    expect(keys[2]).toBe(keys[1])
    expect(keys[0]).not.toBe(keys[1])
  })

  it('opens nothing without a room, on an insecure origin, or for a link the app refuses as damaged', () => {
    const edit = createEditFragment()
    expect(run('').__meshpadEarlyCopy).toBeUndefined()
    expect(run('#room', false).__meshpadEarlyCopy).toBeUndefined()
    // The last two are shaped right but not a key's one encoding (the 43rd character carries spare bits).
    const nonCanonical = `${edit.slice(0, -1)}${edit.endsWith('B') ? 'C' : 'B'}`
    for (const fragment of ['e1.cut-short', 'r1.cut-short', edit.slice(0, -1), `${edit}x`, 'r1.', nonCanonical]) {
      expect(isDamagedV2Link(fragment)).toBe(true)
      expect(run(`#${fragment}`).__meshpadEarlyCopy).toBeUndefined()
      expect(run(`#${fragment}`).__meshpadEarlyRoomKey).toBeUndefined()
    }
  })
})

describe('takeEarlyCopy with IndexeddbCopy', () => {
  it('applies a finished read in the constructor, then writes after the records it read', async () => {
    const fragment = 'early-done'
    const topic = roomTopic(fragment)
    await storeIndexeddbCopy(topic, docWith('stored'))
    const page = run(`#${fragment}`)
    await page.__meshpadEarlyCopy?.done

    const doc = new Y.Doc()
    const copy = new IndexeddbCopy(topic, doc, takeEarlyCopy(roomDatabaseName(topic), page))
    expect(textOf(doc)).toBe('stored')
    expect(page.__meshpadEarlyCopy).toBeUndefined()
    await copy.whenLoaded
    doc.getText('content').insert(6, ' and edited')
    await copy.whenSaved()
    await copy.destroy()

    const reopened = new Y.Doc()
    const again = new IndexeddbCopy(topic, reopened)
    await again.whenLoaded
    expect(textOf(reopened)).toBe('stored and edited')
    await again.destroy()
  })

  it('takes a read still running as a promise, and the copy loads from it', async () => {
    const fragment = 'early-pending'
    const topic = roomTopic(fragment)
    await storeIndexeddbCopy(topic, docWith('pending'))
    const page = run(`#${fragment}`)
    const doc = new Y.Doc()
    const early = takeEarlyCopy(roomDatabaseName(topic), page)
    expect(early).toBeInstanceOf(Promise)
    const copy = new IndexeddbCopy(topic, doc, early)
    expect(textOf(doc)).toBe('')
    await copy.whenLoaded
    expect(textOf(doc)).toBe('pending')
    await copy.destroy()
  })

  it("closes a read of another room's database and gives nothing; only the first call gets a read", async () => {
    const page = run('#early-other')
    const read = await page.__meshpadEarlyCopy?.done
    if (read === null || read === undefined) throw new Error('the script read nothing')
    expect(isOpen(read.db)).toBe(true)
    expect(takeEarlyCopy(roomDatabaseName(roomTopic('another room')), page)).toBeNull()
    expect(isOpen(read.db)).toBe(false)
    expect(takeEarlyCopy(read.name, page)).toBeNull()
  })
})
