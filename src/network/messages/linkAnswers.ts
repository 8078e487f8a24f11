import * as Y from 'yjs'
import { SYNC, syncMessage } from './wireMessages'

/** The answer to a peer's state vector (Yjs sync step 2: what it lacks); null when the vector is malformed. */
export function stateAnswer(doc: Y.Doc, stateVector: Uint8Array): Uint8Array | null {
  try {
    return syncMessage(SYNC.step2, Y.encodeStateAsUpdate(doc, stateVector))
  } catch {
    return null
  }
}
