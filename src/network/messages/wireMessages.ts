import * as encoding from 'lib0/encoding'
import { encodeAwarenessUpdate, type Awareness } from 'y-protocols/awareness'

/**
 * Every message on a Meshpad data channel, by its first byte. One module reads them all
 * (`MessageLayer`); the formats of 0, 1 and 3 are y-webrtc's (so pages of earlier releases still
 * understand them), 0x4D is Meshpad's signed sync (see `signedSyncMessage`), and 0xFF frames a
 * message larger than a data channel carries (see `messageChunks`).
 *
 * | type | who may send it | what the receiver does | the most it costs the receiver |
 * |---|---|---|---|
 * | 0 sync (Yjs sync step 1, 2, update) | anyone, in a v1 room (no read-only links exist); nobody in a v2 room | v1: step 1 is answered with what the sender lacks; step 2 and updates are applied and relayed along the gossip tree. v2: dropped and counted | one whole-document answer per link per `ANSWER_INTERVAL_MS`; applying an update of at most `MAX_MESSAGE_BYTES` |
 * | 1 awareness | anyone in the room | states are taken only for client ids this link introduced (or nobody did), up to `MAX_PRESENCE_CLIENTS_PER_LINK` of `MAX_PRESENCE_STATE_BYTES` each; never this peer's own id, never a state naming another direct link's peer id | a JSON parse per state; relayed at most once per 50 ms per person |
 * | 3 awareness query | anyone in the room | answered with the known states | one answer per link per `ANSWER_INTERVAL_MS` |
 * | 0x4D signed sync | anyone in a v2 room; only updates signed with the room's edit key change a document, and `comment`s signed with its comment key that only append comment records | see `signedSyncMessage`: `state` answered (coalesced, as for type 0), `update` and `comment` verified then applied and relayed, `snapshot` answered by writers once per `SNAPSHOT_INTERVAL_MS` per link | one signature check per update; a comment's placement check (at most `MAX_COMMENT_UPDATE_RECORDS` items); one whole-document answer per link per interval |
 * | 0xFF frame | anyone | joined with the next frames of one message (in order, one message at a time) | `MAX_MESSAGE_BYTES` held per link |
 * | 2, 4 and anything else | nobody (y-webrtc's auth and BroadcastChannel "peer id" messages only ever travel between one person's own tabs) | dropped and counted; never read by y-webrtc | nothing |
 *
 * A message that breaks the transport (frames out of place, a message over its size, a send
 * queue over its budget) closes the link; the peer may connect again.
 */
export const MESSAGE = {
  sync: 0,
  awareness: 1,
  queryAwareness: 3,
  signedSync: 0x4d,
  frame: 0xff,
} as const

/** Yjs sync's sub-types (y-protocols' `messageYjsSyncStep1`, `…Step2`, `messageYjsUpdate`). */
export const SYNC = { step1: 0, step2: 1, update: 2 } as const

/** The signed sync's request kinds whose answers cost a pass over the whole document (see `signedSyncMessage`). */
export const SIGNED_STATE = 1
export const SIGNED_SNAPSHOT = 4

/** A Yjs sync message (type 0) of `kind` (see {@link SYNC}). */
export function syncMessage(kind: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE.sync)
  encoding.writeVarUint(encoder, kind)
  encoding.writeVarUint8Array(encoder, payload)
  return encoding.toUint8Array(encoder)
}

/** A presence message (type 1) with the states of `clients`. */
export function presenceMessage(awareness: Awareness, clients: number[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, MESSAGE.awareness)
  encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(awareness, clients))
  return encoding.toUint8Array(encoder)
}
