import { randomBytes } from 'node:crypto'
import type { Browser, BrowserContext } from '@playwright/test'
import { STORED_TOPIC_PREFIX, STORED_TOPICS_KEY } from '../../src/library/storedTopics.ts'
import { roomTopic } from '../../src/room/roomTopic.ts'
import { roomDatabaseName } from '../../src/storage/openRoomDatabase.ts'
import { newPeerContext, openMeshpad, type BenchPeer } from './benchPeers.ts'
import type { ProbeOptions } from './pageProbe.ts'

/** A new room secret, as Meshpad makes them (16 random bytes, base64url). */
export function newRoomSecret(): string {
  return randomBytes(16).toString('base64url')
}

/**
 * Stores `update` as the room's local copy in the context's IndexedDB, the way y-indexeddb keeps
 * it (database `meshpad-<topic>`, object stores `updates` and `custom`), before Meshpad opens the
 * room, and adds it to the hint of held documents (src/library/storedTopics.ts): the browser then
 * holds that document as if it had edited it before.
 */
export async function seedRoom(context: BrowserContext, origin: string, secret: string, update: Uint8Array): Promise<void> {
  const page = await context.newPage()
  try {
    // Any page of the origin will do; robots.txt runs no app code.
    await page.goto(new URL('/robots.txt', origin).href)
    await page.evaluate(
      async ({ name, base64, hint }) => {
        const held: unknown = JSON.parse(localStorage.getItem(hint.key) ?? '[]')
        localStorage.setItem(hint.key, JSON.stringify([...(Array.isArray(held) ? held : []), hint.topic]))
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open(name)
          request.onupgradeneeded = () => {
            request.result.createObjectStore('updates', { autoIncrement: true })
            request.result.createObjectStore('custom')
          }
          request.onsuccess = () => resolve(request.result)
          request.onerror = () => reject(request.error)
        })
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction(['updates'], 'readwrite')
          tx.objectStore('updates').add(bytes)
          tx.oncomplete = () => resolve()
          tx.onerror = () => reject(tx.error)
        })
        db.close()
      },
      {
        name: roomDatabaseName(roomTopic(secret)),
        base64: Buffer.from(update).toString('base64'),
        hint: { key: STORED_TOPICS_KEY, topic: roomTopic(secret).slice(0, STORED_TOPIC_PREFIX) },
      },
    )
  } finally {
    await page.close()
  }
}

/** Bytes stored in the room's `updates` store (the sum of its values), and how many records. */
export async function storedBytes(context: BrowserContext, origin: string, secret: string): Promise<{ bytes: number; records: number }> {
  const page = await context.newPage()
  try {
    await page.goto(new URL('/robots.txt', origin).href)
    return await page.evaluate(async (name) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name)
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      const values = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(['updates'], 'readonly').objectStore('updates').getAll()
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      db.close()
      return { bytes: values.reduce<number>((sum, value) => sum + (value as Uint8Array).byteLength, 0), records: values.length }
    }, roomDatabaseName(roomTopic(secret)))
  } finally {
    await page.close()
  }
}

/**
 * A peer that already holds a document: a fresh context with `update` stored as a new room's
 * local copy, Meshpad opened on that room, and the text of `length` characters loaded.
 */
export async function openSeededPeer(browser: Browser, origin: string, update: Uint8Array, length: number, probe: ProbeOptions = {}): Promise<BenchPeer> {
  const secret = newRoomSecret()
  const context = await newPeerContext(browser, probe)
  await seedRoom(context, origin, secret, update)
  const page = await openMeshpad(context, new URL(`/#${secret}`, origin).href)
  await page.waitForFunction((n) => window.meshpad?.session.text.length === n, length, { timeout: 60_000 })
  return { context, page }
}
