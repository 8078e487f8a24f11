import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { loadTrace } from '../../bench/support/traceDocument'
import { LevelStore } from './LevelStore'
import type { LocalCopy, SignedLogStore } from './localCopy'

let dir: string
let store: LevelStore | null = null

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshpad-level-'))
})

afterEach(async () => {
  await store?.close()
  store = null
  await rm(dir, { recursive: true, force: true })
})

async function reopen(): Promise<LevelStore> {
  await store?.close()
  store = await LevelStore.open(join(dir, 'db'))
  return store
}

describe('LevelCopy', () => {
  it('lists the topics it stores, and reads each one back as one update', async () => {
    const level = await reopen()
    const a = new Y.Doc()
    const b = new Y.Doc()
    const copyA = level.openCopy('topic-a', a)
    const copyB = level.openCopy('topic-b', b)
    a.getText('content').insert(0, 'hello from Ana')
    b.getText('content').insert(0, 'B')
    await Promise.all([copyA.whenSaved(), copyB.whenSaved()])
    expect((await level.topics()).sort()).toEqual(['topic-a', 'topic-b'])
    const stored = new Y.Doc()
    Y.applyUpdate(stored, await level.read('topic-a'))
    expect(stored.getText('content').toString()).toBe('hello from Ana')
  })

  it('stays within twice the encoded document on disk after long editing', async () => {
    const level = await reopen()
    const doc = new Y.Doc()
    const copy = level.openCopy('trace', doc)
    await copy.whenLoaded
    const text = doc.getText('content')
    const { patches } = loadTrace()
    // A write per few keystrokes, as a peer receives them; the first 60,000 edits of the trace
    // (a 90 kB document, past the minimum compaction size).
    const edits = patches.slice(0, 60_000)
    for (let i = 0; i < edits.length; i += 25) {
      for (const [position, deleteCount, insert] of edits.slice(i, i + 25)) {
        if (deleteCount > 0) text.delete(position, deleteCount)
        if (insert) text.insert(position, insert)
      }
      await copy.whenSaved()
    }
    const encoded = Y.encodeStateAsUpdate(doc).byteLength
    const onDisk = await level.bytesOnDisk()
    expect(onDisk).toBeLessThanOrEqual(2 * encoded)

    const expected = text.toString()
    const restarted = await reopen()
    const again = new Y.Doc()
    await restarted.openCopy('trace', again).whenLoaded
    expect(again.getText('content').toString()).toBe(expected)
  }, 120_000)

  it('reports a failed write as an error with its reason, and writes everything once it can', async () => {
    const level = await reopen()
    const doc = new Y.Doc()
    const copy = level.openCopy('topic-a', doc)
    await copy.whenLoaded
    // The real database, closed under the copy: its next write fails as a full disk would.
    const db = (level as unknown as { db: { close(): Promise<void>; open(): Promise<void> } }).db
    await db.close()
    doc.getText('content').insert(0, 'not yet kept')
    await expect(copy.whenSaved()).rejects.toThrow(/could not be written: .*closed/)
    expect(copy.state).toBe('error')
    expect(copy.error).toMatch(/closed/)
    await db.open()
    doc.getText('content').insert(0, '… now ')
    await expect.poll(() => copy.state, { timeout: 10_000 }).toBe('saved')
    const stored = new Y.Doc()
    Y.applyUpdate(stored, await level.read('topic-a'))
    expect(stored.getText('content').toString()).toBe('… now not yet kept')
  })
})

function logOf(copy: LocalCopy): SignedLogStore {
  if (copy.signedLog === undefined) throw new Error('this copy keeps no signed log')
  return copy.signedLog
}

describe('LevelCopy.signedLog', () => {
  it('reads unreadable stored bytes as no log', async () => {
    const level = await reopen()
    const copy = level.openCopy('topic-log', new Y.Doc())
    await logOf(copy).save([Uint8Array.of(0x4d, 2, 9)])
    await level.writeMeta('topic-log', 'meshpad/v2/signed-log', Uint8Array.of(5, 1))
    expect(await logOf(copy).load()).toEqual([])
    await copy.destroy()
  })
})

describe('LevelStore.open', () => {
  it('refuses a path that is not a directory, naming it', async () => {
    const path = join(dir, 'a-file')
    await writeFile(path, 'not a database')
    await expect(LevelStore.open(path)).rejects.toThrow(new RegExp(`cannot open the data directory ${path}: .+`))
  })

  it('refuses a corrupt database with the reason', async () => {
    const level = await reopen()
    const doc = new Y.Doc()
    level.openCopy('topic-a', doc)
    doc.getText('content').insert(0, 'x')
    await level.close()
    store = null
    await writeFile(join(dir, 'db', 'CURRENT'), 'MANIFEST-999999\n')
    await expect(LevelStore.open(join(dir, 'db'))).rejects.toThrow(/cannot open the data directory .*db: .+/)
  })
})
