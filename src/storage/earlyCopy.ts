/**
 * A room's stored copy as the page's early script (`/early-copy.js`, built from
 * src/early/earlyCopy.entry.ts) read it while the app's script loaded: its open database (name
 * `roomDatabaseName(topic)`) and the `updates` store's records and keys, oldest first. A contract
 * between two scripts of the page, which share no module instance: they meet on `window`.
 */
export interface EarlyCopyRead {
  readonly name: string
  readonly db: IDBDatabase
  readonly values: readonly unknown[]
  readonly keys: readonly IDBValidKey[]
}

/** What the script leaves on the page (`window.__meshpadEarlyCopy`) until a session takes it. */
export interface EarlyCopy {
  /** Set once the read is done: what was read, or null when it failed (the copy opens the database itself then). */
  result?: EarlyCopyRead | null
  /** Resolves as `result` is set; never rejects. */
  readonly done: Promise<EarlyCopyRead | null>
}

interface PageWithEarlyCopy {
  __meshpadEarlyCopy?: EarlyCopy
}

declare global {
  interface Window {
    __meshpadEarlyCopy?: EarlyCopy
  }
}

/**
 * Takes the page's early read if it is of the database `name`: the read itself when it is done
 * (the copy applies it before anything else observes the document), a promise of it while it
 * runs, null when there is none or it is of another database (which is closed). Only the first
 * call gets it.
 */
export function takeEarlyCopy(name: string, page: PageWithEarlyCopy = globalThis as PageWithEarlyCopy): EarlyCopyRead | Promise<EarlyCopyRead | null> | null {
  const early = page.__meshpadEarlyCopy
  if (early === undefined) return null
  delete page.__meshpadEarlyCopy
  const ours = (read: EarlyCopyRead | null | undefined): EarlyCopyRead | null => {
    if (read === null || read === undefined) return null
    if (read.name === name) return read
    read.db.close()
    return null
  }
  return early.result === undefined ? early.done.then(ours) : ours(early.result)
}
