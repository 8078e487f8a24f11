import * as Y from 'yjs'
import { decodeSignedSync, SIGNATURE_BYTES } from '../signed/signedSyncMessage'
import { SYNC, syncMessage } from './wireMessages'

/** The answer to a peer's state vector (Yjs sync step 2: what it lacks); null when the vector is malformed. */
export function stateAnswer(doc: Y.Doc, stateVector: Uint8Array): Uint8Array | null {
  try {
    return syncMessage(SYNC.step2, Y.encodeStateAsUpdate(doc, stateVector))
  } catch {
    return null
  }
}

/**
 * About how many bytes the signed sync's answer to `request` (a `state` or `snapshot` message)
 * will take, from the document as the answer will encode it; null when the request is malformed.
 * A reader answers no snapshot request.
 */
export function signedAnswerSize(doc: Y.Doc, canEdit: boolean, request: Uint8Array): number | null {
  const message = decodeSignedSync(request)
  try {
    if (message?.kind === 'state') return Y.encodeStateAsUpdate(doc, message.stateVector).byteLength + SIGNATURE_BYTES
    if (message?.kind === 'snapshot') return canEdit ? Y.encodeStateAsUpdate(doc).byteLength + SIGNATURE_BYTES : 0
  } catch {
    // A malformed state vector.
  }
  return null
}
