/**
 * The wire protocol of v2 rooms' document sync, one message per data-channel or tab message.
 * Every message starts with {@link SIGNED_SYNC_TYPE}, then its kind:
 * - `state` (1): `canEdit` byte, then the sender's Yjs state vector: "send me what I lack".
 * - `update` (2): a 64-byte Ed25519 signature, then a Yjs update; the signature covers
 *   {@link signedBytes} (a label, the room's topic and the update), so it is valid in one room only.
 * - `done` (3): every update answering the receiver's last `state` was sent.
 * - `snapshot` (4): "sign your whole document for me" (a reader compacting its log; writers answer).
 * - `comment` (5): as `update`, signed with the room's comment key instead (a comment-link
 *   holder's own comment); the signature covers {@link signedBytes} under {@link COMMENT_SIGNATURE_LABEL}.
 *   It changes a document only when the update does nothing but append comment records (see `commentOnlyUpdate`).
 * Only `update` and `comment` change a document; the others are requests and hints, harmless when forged.
 */
export const SIGNED_SYNC_TYPE = 0x4d

/** Bytes of an Ed25519 signature. */
export const SIGNATURE_BYTES = 64

/** Domain separation and version of what a writer signs. */
export const SIGNATURE_LABEL = 'meshpad/v2/update'

/** Domain separation and version of what a comment-link holder signs: never valid as an edit. */
export const COMMENT_SIGNATURE_LABEL = 'meshpad/v2/comment'

const KIND = { state: 1, update: 2, done: 3, snapshot: 4, comment: 5 } as const

export type SignedSyncMessage =
  | { readonly kind: 'state'; readonly canEdit: boolean; readonly stateVector: Uint8Array }
  | { readonly kind: 'update' | 'comment'; readonly signature: Uint8Array; readonly update: Uint8Array }
  | { readonly kind: 'done' }
  | { readonly kind: 'snapshot' }

/** Whether a data-channel message belongs to this protocol (y-webrtc's types are 0–4, chunk frames 0xFF). */
export function isSignedSyncMessage(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === SIGNED_SYNC_TYPE
}

/** Whether `data` is a `state` message (a hello: "send me what I lack"), without decoding it. */
export function isStateRequest(data: Uint8Array): boolean {
  return data.length >= 3 && data[0] === SIGNED_SYNC_TYPE && data[1] === KIND.state
}

/** Encodes one message. */
export function encodeSignedSync(message: SignedSyncMessage): Uint8Array {
  switch (message.kind) {
    case 'state': {
      const out = new Uint8Array(3 + message.stateVector.length)
      out.set([SIGNED_SYNC_TYPE, KIND.state, message.canEdit ? 1 : 0])
      out.set(message.stateVector, 3)
      return out
    }
    case 'update':
    case 'comment': {
      if (message.signature.length !== SIGNATURE_BYTES) throw new Error('an Ed25519 signature has 64 bytes')
      const out = new Uint8Array(2 + SIGNATURE_BYTES + message.update.length)
      out.set([SIGNED_SYNC_TYPE, KIND[message.kind]])
      out.set(message.signature, 2)
      out.set(message.update, 2 + SIGNATURE_BYTES)
      return out
    }
    case 'done':
      return Uint8Array.of(SIGNED_SYNC_TYPE, KIND.done)
    case 'snapshot':
      return Uint8Array.of(SIGNED_SYNC_TYPE, KIND.snapshot)
  }
}

/** Decodes one message; null for anything malformed (a peer's bytes are hostile). */
export function decodeSignedSync(data: Uint8Array): SignedSyncMessage | null {
  if (!isSignedSyncMessage(data)) return null
  switch (data[1]) {
    case KIND.state:
      return data.length >= 3 && data[2]! <= 1 ? { kind: 'state', canEdit: data[2] === 1, stateVector: data.subarray(3) } : null
    case KIND.update:
    case KIND.comment:
      // An update has at least its two empty-section counts.
      return data.length >= 2 + SIGNATURE_BYTES + 2
        ? {
            kind: data[1] === KIND.update ? 'update' : 'comment',
            signature: data.subarray(2, 2 + SIGNATURE_BYTES),
            update: data.subarray(2 + SIGNATURE_BYTES),
          }
        : null
    case KIND.done:
      return data.length === 2 ? { kind: 'done' } : null
    case KIND.snapshot:
      return data.length === 2 ? { kind: 'snapshot' } : null
    default:
      return null
  }
}

/** What a writer signs for `update` in room `topic`: the label, the topic and the update (a comment: its own label). */
export function signedBytes(topic: string, update: Uint8Array, label = SIGNATURE_LABEL): Uint8Array<ArrayBuffer> {
  const prefix = new TextEncoder().encode(`${label}\0${topic}\0`)
  const out = new Uint8Array(prefix.length + update.length)
  out.set(prefix)
  out.set(update, prefix.length)
  return out
}

/** An `update` message for `update`, signed with the room's private key. */
export function signUpdate(privateKey: CryptoKey, topic: string, update: Uint8Array): Promise<Uint8Array> {
  return signAs('update', privateKey, topic, update)
}

/** A `comment` message for `update`, signed with the room's comment key. */
export function signComment(privateKey: CryptoKey, topic: string, update: Uint8Array): Promise<Uint8Array> {
  return signAs('comment', privateKey, topic, update)
}

/** What a message of `kind` is signed under: an edit's signature is never valid as a comment's, nor the reverse. */
const labelOf = (kind: 'update' | 'comment' = 'update'): string => (kind === 'comment' ? COMMENT_SIGNATURE_LABEL : SIGNATURE_LABEL)

async function signAs(kind: 'update' | 'comment', privateKey: CryptoKey, topic: string, update: Uint8Array): Promise<Uint8Array> {
  const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, signedBytes(topic, update, labelOf(kind))))
  return encodeSignedSync({ kind, signature, update })
}

/**
 * Whether an `update` message's signature is the room's edit key's over its update (a `comment`
 * message: the comment key's, under its own label). Never throws.
 */
export async function verifyUpdate(
  publicKey: CryptoKey,
  topic: string,
  message: { readonly kind?: 'update' | 'comment'; readonly signature: Uint8Array; readonly update: Uint8Array },
): Promise<boolean> {
  try {
    return await crypto.subtle.verify('Ed25519', publicKey, new Uint8Array(message.signature), signedBytes(topic, message.update, labelOf(message.kind)))
  } catch {
    return false
  }
}
