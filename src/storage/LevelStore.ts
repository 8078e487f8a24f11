import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ClassicLevel } from 'classic-level'
import * as Y from 'yjs'
import { LeveldbPersistence } from 'y-leveldb'
import { LevelCopy } from './LevelCopy'
import type { OpenLocalCopy } from './localCopy'

/** The last key y-leveldb uses for a document (its own upper bound, `createDocumentLastKey`). */
const DOCUMENT_KEYS_END = 'zzzzzzz'

/**
 * One LevelDB directory holding the documents of every room a Node peer keeps, through y-leveldb
 * (documents are named by topic, never by secret). It is responsible for opening and closing the
 * database and for the few operations its copies share; {@link LevelCopy} does the per-room work.
 * Node only.
 *
 * y-leveldb catches every error inside its transactions, logs it with `console.warn` and
 * resolves with `null`, so a failed write would look like a successful one; and it runs every
 * operation of every document one at a time, so with hundreds of rooms a room's first read waits
 * behind every other room's writes (each an fsync). Its `_transact` is replaced here by one that
 * rejects with the error and keeps the one-at-a-time order per document only (operations of
 * different documents touch different keys; LevelDB commits concurrent writes together).
 * Every put is synchronous (`fsync`): a copy tells peers it keeps an edit once its write
 * resolves, and that must hold after a power cut, not only after the process dies.
 */
export class LevelStore {
  /** Opens (creating if needed) the database in `dir`; rejects with a message naming `dir` and the cause. */
  static async open(dir: string): Promise<LevelStore> {
    let db: ClassicLevel<unknown, Uint8Array> | null = null
    class SyncLevel extends ClassicLevel<unknown, Uint8Array> {
      constructor(location: string, options: object) {
        super(location, options)
        // eslint-disable-next-line @typescript-eslint/no-this-alias -- the instance y-leveldb creates is the one to close and compact
        db = this
      }
      override put(...args: unknown[]): Promise<void> {
        const [key, value, options] = args as [unknown, Uint8Array, object | undefined]
        return super.put(key, value, { ...(typeof options === 'object' ? options : {}), sync: true })
      }
    }
    const persistence = new LeveldbPersistence(dir, { Level: SyncLevel })
    const opened = db as ClassicLevel<unknown, Uint8Array> | null
    if (opened === null) throw new Error('y-leveldb did not create its database')
    try {
      await opened.open()
    } catch (error) {
      throw new Error(`cannot open the data directory ${dir}: ${describe(error)}`, { cause: error })
    }
    return new LevelStore(dir, opened, persistence)
  }

  /** The last operation of each document (and `''` for operations on no one document). */
  private readonly tails = new Map<string, Promise<unknown>>()
  /** The document whose operation y-leveldb is starting (it calls `_transact` synchronously). */
  private current = ''
  private closing: Promise<void> | null = null
  private readonly copies = new Set<LevelCopy>()

  private constructor(
    /** The directory holding the database. */
    readonly dir: string,
    private readonly db: ClassicLevel<unknown, Uint8Array>,
    private readonly persistence: LeveldbPersistence,
  ) {
    persistence._transact = <T>(f: (db: unknown) => Promise<T>): Promise<T> => {
      const key = this.current
      const run = (this.tails.get(key) ?? Promise.resolve()).then(() => f(this.db))
      const tail = run.catch(() => undefined)
      this.tails.set(key, tail)
      void tail.then(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key)
      })
      return run
    }
  }

  /** {@link OpenLocalCopy} for rooms kept in this database. */
  readonly openCopy: OpenLocalCopy = (topic, doc) => {
    const copy = new LevelCopy(topic, doc, this, () => this.copies.delete(copy))
    this.copies.add(copy)
    return copy
  }

  /** The stored document of `topic` as one update (empty document: no structs). */
  async read(topic: string): Promise<Uint8Array> {
    const doc = await this.on(topic, () => this.persistence.getYDoc(topic))
    try {
      return Y.encodeStateAsUpdate(doc)
    } finally {
      doc.destroy()
    }
  }

  /** Appends `update` to the stored document of `topic`; resolves once it is written (fsync). */
  async write(topic: string, update: Uint8Array): Promise<void> {
    this.assertOpen()
    await this.on(topic, () => this.persistence.storeUpdate(topic, update))
  }

  /**
   * Replaces the stored updates of `topic` by their merge, then has LevelDB compact that key range
   * so the deleted entries leave the disk too (y-leveldb only deletes them).
   */
  async compact(topic: string): Promise<void> {
    this.assertOpen()
    await this.on(topic, () => this.persistence.flushDocument(topic))
    await this.on(topic, () => this.persistence._transact(() => this.db.compactRange(['v1', topic], ['v1', topic, DOCUMENT_KEYS_END])))
  }

  /** A value stored beside the document of `topic` (y-leveldb's meta), or undefined. */
  readMeta(topic: string, key: string): Promise<unknown> {
    this.assertOpen()
    return this.on(topic, () => this.persistence.getMeta(topic, key))
  }

  /** Stores `value` beside the document of `topic`; resolves once written. */
  async writeMeta(topic: string, key: string, value: Uint8Array): Promise<void> {
    this.assertOpen()
    await this.on(topic, () => this.persistence.setMeta(topic, key, value))
  }

  /** The names (topics) of every stored document. */
  topics(): Promise<string[]> {
    return this.persistence.getAllDocNames()
  }

  /** Bytes of every file in the database directory. */
  async bytesOnDisk(): Promise<number> {
    const names = await readdir(this.dir)
    const sizes = await Promise.all(names.map((name) => stat(join(this.dir, name)).then((s) => s.size, () => 0)))
    return sizes.reduce((sum, size) => sum + size, 0)
  }

  /** Idempotent. Destroys every copy still open (each writes what is pending), then closes the database. */
  close(): Promise<void> {
    if (this.closing === null) {
      this.closing = (async () => {
        await Promise.all([...this.copies].map((copy) => copy.destroy()))
        await Promise.all(this.tails.values())
        await this.db.close()
      })()
    }
    return this.closing
  }

  /** Starts y-leveldb's operation `start` in the order of `topic`'s operations. */
  private on<T>(topic: string, start: () => Promise<T>): Promise<T> {
    this.current = topic
    try {
      return start()
    } finally {
      this.current = ''
    }
  }

  private assertOpen(): void {
    if (this.db.status !== 'open') throw new Error(`the database in ${this.dir} is ${this.db.status}`)
  }
}

/** An error's message with its causes (LevelDB wraps the system's reason in `cause`). */
export function describe(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  while (current instanceof Error && parts.length < 4) {
    parts.push(current.message)
    current = current.cause
  }
  return parts.length > 0 ? parts.join(': ') : String(error)
}
