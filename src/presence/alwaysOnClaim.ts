import { fromBase64, toBase64 } from 'lib0/buffer'
import { parseStoredState, type StoredState } from './storedState'

/** Domain separation and version of what an always-on peer signs. */
export const CLAIM_LABEL = 'meshpad/v2/always-on'

/** An always-on peer's published summary, signed with the room's edit key (v2 rooms). */
export interface SignedStoredState extends StoredState {
  /** Ed25519 over {@link claimBytes}, base64. */
  readonly sig: string
}

/** What the claim's signature covers: the label, the room, the presence client id and the summary. */
export function claimBytes(topic: string, clientId: number, stored: StoredState): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${CLAIM_LABEL}\0${topic}\0${clientId}\0${stored.sv}\0${stored.deletes}`)
}

/** Signs `stored` as published by presence client `clientId` in room `topic`. */
export async function signClaim(privateKey: CryptoKey, topic: string, clientId: number, stored: StoredState): Promise<SignedStoredState> {
  const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, claimBytes(topic, clientId, stored)))
  return { sv: stored.sv, deletes: stored.deletes, sig: toBase64(signature) }
}

/** Whether `field` (another peer's presence field: hostile input) is a claim of `clientId` signed for room `topic`. */
export async function verifyClaim(publicKey: CryptoKey, topic: string, clientId: number, field: unknown): Promise<boolean> {
  const stored = parseStoredState(field)
  const sig = (field as { sig?: unknown } | null)?.sig
  if (stored === null || typeof sig !== 'string' || sig.length !== 88) return false
  try {
    return await crypto.subtle.verify('Ed25519', publicKey, new Uint8Array(fromBase64(sig)), claimBytes(topic, clientId, stored))
  } catch {
    return false
  }
}
