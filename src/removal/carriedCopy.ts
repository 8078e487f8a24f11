import * as Y from 'yjs'

type DeleteSet = ReturnType<typeof Y.createDeleteSet>

/**
 * What a kept writer carries from the old room into the new one: its stored copy as it was when
 * it loaded, plus this page's own edits since (its client's inserts, its deletions). What others
 * sent it meanwhile is theirs to carry (each kept writer carries its own) or already in the new
 * room (the remover carries its whole copy). So whatever a removed writer, who still holds the old
 * edit key, writes in the old room stays there: it reaches no one's carried copy, however it is
 * ordered with the record.
 *
 * `markLoaded()` takes the stored copy (once); `takeAll()` (the remover) takes the whole copy as
 * it is now; `carried()` encodes what to carry (the whole copy before anything was taken). It is
 * responsible for its listener and removes it in `destroy()`.
 */
export class CarriedCopy {
  private base: Y.Snapshot | null = null
  private ownDeletes: DeleteSet[] = []
  private destroyed = false

  constructor(private readonly doc: Y.Doc) {
    doc.on('afterTransaction', this.track)
  }

  markLoaded(): void {
    if (this.base === null && !this.destroyed) this.base = Y.snapshot(this.doc)
  }

  takeAll(): void {
    if (this.destroyed) return
    this.base = Y.snapshot(this.doc)
    this.ownDeletes = []
  }

  carried(): Uint8Array {
    const base = this.base
    if (base === null) return Y.encodeStateAsUpdate(this.doc)
    const own = this.doc.clientID
    const sv = new Map(base.sv)
    const ownClock = Y.getState(this.doc.store, own)
    if (ownClock > 0) sv.set(own, ownClock)
    const copy = Y.createDocFromSnapshot(this.doc, Y.createSnapshot(Y.mergeDeleteSets([base.ds, ...this.ownDeletes]), sv))
    try {
      return Y.encodeStateAsUpdate(copy)
    } finally {
      copy.destroy()
    }
  }

  private readonly track = (transaction: Y.Transaction): void => {
    if (this.base !== null && transaction.local && transaction.deleteSet.clients.size > 0) this.ownDeletes.push(transaction.deleteSet)
  }

  /** Idempotent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.doc.off('afterTransaction', this.track)
  }
}
