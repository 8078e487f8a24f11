import type * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { writeSyncStep1 } from 'y-protocols/sync'

/** y-webrtc's message type for Yjs sync messages on a data channel (its `messageSync`). */
export const WEBRTC_MESSAGE_SYNC = 0

/**
 * A y-webrtc data-channel message asking a peer for everything `doc` lacks: Yjs sync step 1 (the
 * state vector). The peer answers with sync step 2, as it does when a connection opens.
 */
export function syncStep1Message(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, WEBRTC_MESSAGE_SYNC)
  writeSyncStep1(encoder, doc)
  return encoding.toUint8Array(encoder)
}
