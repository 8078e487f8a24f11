import { appendFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { LevelStore } from '../src/storage/LevelStore'
import { capLevelLog } from './capLevelLog'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshpad-level-log-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function onDisk(path: string): Promise<number> {
  return (await stat(path)).blocks * 512
}

describe('capLevelLog', () => {
  it("keeps LevelDB's LOG under its cap while the database is open, and drops LOG.old; the store goes on working", async () => {
    await writeFile(join(dir, 'placeholder'), '')
    let store = await LevelStore.open(dir)
    await store.close()
    store = await LevelStore.open(dir) // the second open leaves the first run's log as LOG.old
    await stat(join(dir, 'LOG.old'))
    // LOG grown past the cap (as by a long run of compactions).
    await appendFile(join(dir, 'LOG'), 'x'.repeat(3 * 1024 * 1024))
    expect(await capLevelLog(dir, 1024 * 1024)).toBe(true)
    expect(await onDisk(join(dir, 'LOG'))).toBeLessThanOrEqual(64 * 1024)
    await expect(stat(join(dir, 'LOG.old'))).rejects.toThrow()
    expect(await capLevelLog(dir, 1024 * 1024)).toBe(false)

    const doc = new Y.Doc()
    const copy = store.openCopy('a-topic', doc)
    await copy.whenLoaded
    doc.getText('content').insert(0, 'still written after the trim')
    await copy.whenSaved()
    await store.close()
    store = await LevelStore.open(dir)
    const again = new Y.Doc()
    const reread = store.openCopy('a-topic', again)
    await reread.whenLoaded
    expect(again.getText('content').toString()).toBe('still written after the trim')
    await store.close()
    expect(await onDisk(join(dir, 'LOG'))).toBeLessThanOrEqual(64 * 1024)
  })
})
