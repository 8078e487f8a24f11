import * as Y from 'yjs'

type Listener = (...args: unknown[]) => void

/** lib0's `ObservableV2` keeps its listeners here, by event name (Yjs 13.6). */
interface Observed {
  readonly _observers: Map<string, Set<Listener>>
}

/**
 * Applies the stored copy of a document (`updates`, the records read from storage, oldest first)
 * to `doc` in one transaction of `origin` (not local, as any update read from elsewhere), and
 * hands the doc's `update` listeners the stored records as the updates. Does nothing for none.
 *
 * Yjs encodes every transaction's changes for its `update` listeners (the local copy, the
 * network, the document list), and the first transaction of a reopened document holds the whole
 * document: re-encoding it costs as much as a large part of decoding it, with the JIT still cold,
 * on the way to showing the text. The stored records already are updates holding everything that
 * transaction added (and perhaps what the doc held already, which applying again changes
 * nothing), so listeners get those instead, one call per record: Yjs skips the encoding when no
 * `update` listener is registered, and they are put back right after. Records are not merged
 * first (`Y.mergeUpdates` decodes and encodes them all once more). Listeners added during the
 * transaction stay; `updateV2` listeners (there are none in Meshpad) are served by Yjs as usual.
 */
export function applyStoredState(doc: Y.Doc, updates: readonly Uint8Array[], origin: unknown): void {
  if (updates.length === 0) return
  const applyAll = (): void => {
    for (const update of updates) Y.applyUpdate(doc, update, origin)
  }
  const observers = (doc as unknown as Observed)._observers
  const listeners = observers.get('update')
  // Inside another transaction the changes are encoded when that one ends, listeners and all.
  if (listeners === undefined || doc._transaction !== null) {
    Y.transact(doc, applyAll, origin, false)
    return
  }
  let transaction: Y.Transaction | null = null
  observers.delete('update')
  try {
    Y.transact(
      doc,
      (tr) => {
        transaction = tr
        applyAll()
      },
      origin,
      false,
    )
  } finally {
    const added = observers.get('update')
    observers.set('update', listeners)
    for (const listener of added ?? []) listeners.add(listener)
  }
  const done = transaction as Y.Transaction | null
  if (done === null || !changedAnything(done)) return
  for (const update of updates) for (const listener of [...listeners]) listener(update, origin, doc, done)
}

/** Whether `transaction` added or deleted anything: when Yjs would have emitted an update. */
function changedAnything(transaction: Y.Transaction): boolean {
  if (transaction.deleteSet.clients.size > 0) return true
  for (const [client, clock] of transaction.afterState) if (clock !== (transaction.beforeState.get(client) ?? 0)) return true
  return false
}
