import * as Y from 'yjs'

/** The origin of updates copied from a reader's verified document into the one it shows. */
export const FROM_VERIFIED = Symbol('meshpad: verified copy')

/** A reader's verified document and the function that stops copying it and destroys it. */
export interface ReaderCopy {
  readonly verified: Y.Doc
  readonly destroy: () => void
}

/**
 * A reader's second document: `verified` receives only what the network verified and what the
 * local copy loaded, and is the one stored and served; every update to it is copied into `shown`
 * (the session's doc, which the editor binds to). Whatever writes into `shown` directly — a
 * tampered page — stays there: it is neither stored nor sent, and a reload drops it.
 */
export function readerCopy(shown: Y.Doc): ReaderCopy {
  const verified = new Y.Doc()
  const copy = (update: Uint8Array): void => Y.applyUpdate(shown, update, FROM_VERIFIED)
  verified.on('update', copy)
  let destroyed = false
  return {
    verified,
    destroy() {
      if (destroyed) return
      destroyed = true
      verified.off('update', copy)
      verified.destroy()
    },
  }
}
