import type * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { messageYjsSyncStep2, writeSyncStep1 } from 'y-protocols/sync'

/** y-webrtc's message type for Yjs sync messages on a data channel (its `messageSync`). */
export const WEBRTC_MESSAGE_SYNC = 0

/**
 * Whether a data-channel message from a peer is Yjs sync step 2: the peer's answer to our state
 * vector, carrying every edit it had that we lacked. Once it is applied, that peer's copy as of the
 * moment the link opened is in ours. Anything unreadable is not.
 *
 * NOTE: y-webrtc's own per-connection `synced` flag is set only while the room as a whole is not
 * yet synced, so a peer joining a room already synced with someone else never gets it.
 */
export function isSyncStep2(data: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(data)
    return decoding.readVarUint(decoder) === WEBRTC_MESSAGE_SYNC && decoding.readVarUint(decoder) === messageYjsSyncStep2
  } catch {
    return false
  }
}

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
