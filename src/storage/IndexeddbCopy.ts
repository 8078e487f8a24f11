import * as Y from 'yjs'
import { applyStoredState } from './applyStoredState'
import { takeEarlyCopy, type EarlyCopyRead } from './earlyCopy'
import { ReportingCopy } from './ReportingCopy'
import { IndexeddbStore } from './IndexeddbStore'
import { IndexeddbWriter } from './IndexeddbWriter'
import { signedLogBytes } from './signedLogBytes'
import type { LocalCopy, OpenLocalCopy, SignedLogStore } from './localCopy'
import { roomDatabaseName } from './openRoomDatabase'

/** The key of a reader's signed log in the `custom` store of the room's database (as y-indexeddb's `set`). */
const SIGNED_LOG_KEY = 'meshpad/v2/signed-log'

/** Why a browser's refusal to open the database is shown as it is. */
function describeFailure(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'the browser refused to open its storage'
}

/** A database opened, and its records if they were read already (null: not read yet). */
interface Opened {
  readonly store: IndexeddbStore
  readonly stored: readonly Uint8Array[] | null
}

/**
 * A document's copy in this browser's IndexedDB (database {@link roomDatabaseName}, in
 * y-indexeddb's format): it reads the stored copy into the doc, and {@link IndexeddbWriter}
 * writes every later update and says when it is committed. What was read is applied with this
 * copy as origin.
 *
 * The stored records are applied as one update in one transaction, and the doc's `update`
 * listeners get the stored bytes rather than a re-encoding of the whole document (see
 * `applyStoredState`): reopening a document costs one decode.
 *
 * `early` is the page's read of this database made while the app's script loaded (see
 * `earlyCopy`). Done already, it is applied in the constructor, before anything else observes
 * the doc: the editor is then built with the whole text, and the network and the document list
 * start from it, instead of each handling the whole document as one change after the page's
 * start-up work (and the browser's IndexedDB answers only between the page's tasks).
 */
export class IndexeddbCopy extends ReportingCopy implements LocalCopy {
  readonly whenLoaded: Promise<void>
  private readonly writer: IndexeddbWriter
  private readonly opened: Promise<IndexeddbStore | null>
  private closing: Promise<void> | null = null
  private destroyed = false

  constructor(
    topic: string,
    private readonly doc: Y.Doc,
    early: EarlyCopyRead | Promise<EarlyCopyRead | null> | null = null,
  ) {
    super()
    this.writer = new IndexeddbWriter(doc, this, (state, error) => this.store.set(state, error))
    if (early !== null && 'db' in early) {
      const { store, stored } = adopt(early)
      this.apply(store, stored)
      this.opened = Promise.resolve(store)
      this.whenLoaded = Promise.resolve()
      return
    }
    const opening: Promise<Opened> = (early ?? Promise.resolve(null)).then((read) =>
      read === null ? IndexeddbStore.open(roomDatabaseName(topic)).then((store) => ({ store, stored: null })) : adopt(read),
    )
    const opened = opening.then(
      (open) => {
        if (!this.destroyed) return open
        open.store.close()
        return null
      },
      (error: unknown) => {
        this.writer.fail(describeFailure(error))
        return null
      },
    )
    this.opened = opened.then((open) => open?.store ?? null)
    this.whenLoaded = opened.then((open) => (open === null ? undefined : this.load(open)))
  }

  private async load({ store, stored }: Opened): Promise<void> {
    try {
      const updates = stored ?? (await store.readNew())
      if (this.destroyed) return
      this.apply(store, updates)
    } catch (error) {
      this.writer.fail(describeFailure(error))
    }
  }

  /** Applies what `store` held and starts writing to it. */
  private apply(store: IndexeddbStore, updates: readonly Uint8Array[]): void {
    try {
      // What reached the doc before (typed, or from peers) was not written: it is, once.
      const before = this.doc.store.clients.size > 0 ? Y.encodeStateAsUpdate(this.doc) : null
      applyStoredState(this.doc, updates, this)
      // The writer's first check covers this write; a failure reaches it through the database's events.
      if (before !== null) store.append(before).catch(() => {})
      this.writer.start(store)
    } catch (error) {
      // Nothing is written over a copy that could not be read.
      this.writer.fail(describeFailure(error))
    }
  }

  /** In the room's own database (its `custom` store), so deleting the document deletes it too. */
  readonly signedLog: SignedLogStore = {
    load: async () => {
      const stored = await (await this.loadedStore())?.getCustom(SIGNED_LOG_KEY)
      return stored instanceof ArrayBuffer ? signedLogBytes.decode(new Uint8Array(stored)) : []
    },
    save: async (messages) => {
      const store = await this.loadedStore()
      if (store === null) throw new Error('the browser refused to open its storage')
      await store.setCustom(SIGNED_LOG_KEY, signedLogBytes.encode(messages).slice().buffer)
    },
  }

  /** The open database once the stored copy is in the doc; null if the browser refused it. */
  private async loadedStore(): Promise<IndexeddbStore | null> {
    await this.whenLoaded
    return this.opened
  }

  destroy(): Promise<void> {
    if (this.closing === null) {
      this.destroyed = true
      this.writer.destroy()
      this.store.close()
      this.closing = this.opened.then((store) => store?.close())
    }
    return this.closing
  }
}

/** {@link OpenLocalCopy} for browsers: the first copy of the page's room takes its early read (see `earlyCopy`). */
export const openIndexeddbCopy: OpenLocalCopy = (topic, doc) => new IndexeddbCopy(topic, doc, takeEarlyCopy(roomDatabaseName(topic)))

/** The store of an early read, and its records. */
function adopt(read: EarlyCopyRead): Opened & { readonly stored: readonly Uint8Array[] } {
  return { store: IndexeddbStore.adopt(read.db, read.keys), stored: read.values as Uint8Array[] }
}

/**
 * Stores `doc` as the copy of room `topic` in this browser and resolves once it is committed, so
 * a session opening that room shows it at once.
 */
export async function storeIndexeddbCopy(topic: string, doc: Y.Doc): Promise<void> {
  const store = await IndexeddbStore.open(roomDatabaseName(topic))
  try {
    await store.append(Y.encodeStateAsUpdate(doc))
  } finally {
    store.close()
  }
}
