// @vitest-environment node
import 'fake-indexeddb/auto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { IndexeddbCopy } from './IndexeddbCopy'
import { LevelStore } from './LevelStore'
import { describeLocalCopy } from './localCopyConformance'
import { openMemoryCopy } from './MemoryCopy'

// The browser's copy, on fake-indexeddb (IndexedDB in memory, for this process).
describeLocalCopy(
  'IndexeddbCopy',
  async () => ({
    open: (topic, doc) => new IndexeddbCopy(topic, doc),
    // Every connection is closed by then; the databases stay, as a browser's do across a restart.
    restart: async () => {},
    close: async () => {},
  }),
  { durable: true },
)

// The Node peer's copy, in a real LevelDB in a temporary directory.
describeLocalCopy(
  'LevelCopy',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshpad-level-'))
    let store = await LevelStore.open(join(dir, 'db'))
    return {
      open: (topic, doc) => store.openCopy(topic, doc),
      restart: async () => {
        await store.close()
        store = await LevelStore.open(join(dir, 'db'))
      },
      close: async () => {
        await store.close()
        await rm(dir, { recursive: true, force: true })
      },
    }
  },
  { durable: true },
)

describeLocalCopy('MemoryCopy', async () => ({ open: openMemoryCopy, close: async () => {} }), { durable: false })
