// y-leveldb 0.2.0 ships types, but its package.json `exports` hides them from TypeScript's
// bundler resolution; this declares the part Meshpad uses (see dist/src/y-leveldb.d.ts there).
declare module 'y-leveldb' {
  import type * as Y from 'yjs'

  /** Yjs documents in one LevelDB, each under its name; every operation runs one at a time. */
  export class LeveldbPersistence {
    constructor(location: string, options?: { Level?: unknown; levelOptions?: object })
    /** Runs `f` with the database after every earlier operation (replaceable; see LevelStore). */
    _transact: <T>(f: (db: unknown) => Promise<T>) => Promise<T>
    flushDocument(docName: string): Promise<void>
    getYDoc(docName: string): Promise<Y.Doc>
    storeUpdate(docName: string, update: Uint8Array): Promise<number>
    getAllDocNames(): Promise<string[]>
    clearDocument(docName: string): Promise<void>
    setMeta(docName: string, metaKey: string, value: Uint8Array): Promise<void>
    getMeta(docName: string, metaKey: string): Promise<unknown>
    destroy(): Promise<void>
  }
}
