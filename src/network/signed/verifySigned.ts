import { decodeSignedSync, verifyUpdate } from './signedSyncMessage'

/** The keys a signed room checks messages with (see `SignedDocSyncOptions`). */
interface CheckingKeys {
  readonly topic: string
  readonly verifyKey: Promise<CryptoKey>
  readonly commentVerifyKey?: () => Promise<CryptoKey | null>
}

/**
 * Whether a signed message's signature holds: an edit with the edit key, a comment with the
 * comment key (false while that key is unknown). Never throws.
 */
export async function verifySigned(
  keys: CheckingKeys,
  message: { readonly kind: 'update' | 'comment'; readonly signature: Uint8Array; readonly update: Uint8Array },
): Promise<boolean> {
  const key = message.kind === 'update' ? await keys.verifyKey : await (keys.commentVerifyKey?.() ?? null)
  return key !== null && verifyUpdate(key, keys.topic, message)
}

/** Whether bytes read back from storage are a validly signed update or comment of the room. */
export async function verifyStored(keys: CheckingKeys, data: Uint8Array): Promise<boolean> {
  const message = decodeSignedSync(data)
  return (message?.kind === 'update' || message?.kind === 'comment') && verifySigned(keys, message)
}
