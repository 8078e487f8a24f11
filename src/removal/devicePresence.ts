import { fromBase64Url, toBase64Url } from '../room/base64Url'
import { verifyDeviceSignature } from '../presence/deviceKey'
import { isSealingPublicKey } from '../presence/sealingKey'
import type { DeviceIdentity } from '../presence/storedDeviceIdentity'

/** The presence field that carries a device's public keys. */
export const DEVICE_FIELD = 'device'

/** Domain separation and version of what a device's presence signs. */
export const DEVICE_PRESENCE_LABEL = 'meshpad/v2/device'

/** Which link a device holds in a v2 room. */
export type DeviceRole = 'edit' | 'comment' | 'read'

const ROLES: readonly string[] = ['edit', 'comment', 'read'] satisfies DeviceRole[]

/**
 * A device's keys as its presence carries them (base64url): `sign` (Ed25519, 32 bytes), `seal`
 * (P-256, 65 bytes), the link it holds, its signature of all that for this room and presence
 * client id, and for `edit` and `comment` a proof: the same bytes signed with the room's edit key
 * or comment key. A reader cannot claim a writer's role, so it is never sealed the edit link.
 */
export interface DevicePresence {
  readonly sign: string
  readonly seal: string
  readonly role: DeviceRole
  readonly sig: string
  readonly proof?: string
}

/** A device presence that verified: whom to seal to, and which link it may be given. */
export interface VerifiedDevice {
  readonly sign: string
  readonly seal: string
  readonly role: DeviceRole
}

/** What a device's presence signs: label, room, presence client id, role and both public keys. */
export function devicePresenceBytes(topic: string, clientId: number, role: DeviceRole, sign: string, seal: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${DEVICE_PRESENCE_LABEL}\0${topic}\0${clientId}\0${role}\0${sign}\0${seal}`)
}

/** This device's presence field for room `topic`, signed; `roleKey` proves `edit` or `comment`. */
export async function signDevicePresence(
  identity: DeviceIdentity,
  topic: string,
  clientId: number,
  role: DeviceRole,
  roleKey: CryptoKey | null,
): Promise<DevicePresence> {
  const sign = toBase64Url(identity.signing.publicKey)
  const seal = toBase64Url(identity.sealing.publicKey)
  const bytes = devicePresenceBytes(topic, clientId, role, sign, seal)
  const sig = toBase64Url(await identity.signing.sign(bytes))
  if (role === 'read' || roleKey === null) return { sign, seal, role: role === 'read' ? 'read' : role, sig }
  const proof = toBase64Url(new Uint8Array(await crypto.subtle.sign('Ed25519', roleKey, bytes)))
  return { sign, seal, role, sig, proof }
}

/** The keys that check role proofs: the room's edit key, and its comment key where known. */
export interface RoleKeys {
  readonly edit: CryptoKey
  readonly comment: CryptoKey | null
}

/**
 * Another peer's `device` field (hostile input) for presence client `clientId` of room `topic`:
 * its keys when every signature holds, else null. Never throws.
 */
export async function verifyDevicePresence(field: unknown, topic: string, clientId: number, keys: RoleKeys): Promise<VerifiedDevice | null> {
  if (typeof field !== 'object' || field === null) return null
  const { sign, seal, role, sig, proof } = field as Record<string, unknown>
  if (typeof sign !== 'string' || typeof seal !== 'string' || typeof sig !== 'string' || typeof role !== 'string') return null
  if (!ROLES.includes(role) || sign.length !== 43 || seal.length !== 87 || sig.length !== 86) return null
  const signKey = fromBase64Url(sign)
  const sealKey = fromBase64Url(seal)
  const signature = fromBase64Url(sig)
  if (signKey === null || sealKey === null || signature === null || !(await isSealingPublicKey(sealKey))) return null
  const bytes = devicePresenceBytes(topic, clientId, role as DeviceRole, sign, seal)
  if (!(await verifyDeviceSignature(signKey, bytes, signature))) return null
  if (role !== 'read') {
    const roleKey = role === 'edit' ? keys.edit : keys.comment
    const proofBytes = typeof proof === 'string' && proof.length === 86 ? fromBase64Url(proof) : null
    if (roleKey === null || proofBytes === null) return null
    try {
      if (!(await crypto.subtle.verify('Ed25519', roleKey, new Uint8Array(proofBytes), bytes))) return null
    } catch {
      return null
    }
  }
  return { sign, seal, role: role as DeviceRole }
}

/**
 * The short form a device publishes once the document's device map holds it: its signing key and
 * a signature saying it is here, in this room, as this presence client. Its other keys and its
 * role are read from the map.
 */
export interface DeviceHere {
  readonly sign: string
  readonly sig: string
}

/** What the short form signs: label, room, presence client id and the signing key. */
export function deviceHereBytes(topic: string, clientId: number, sign: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${DEVICE_PRESENCE_LABEL}/here\0${topic}\0${clientId}\0${sign}`)
}

export async function signDeviceHere(identity: DeviceIdentity, topic: string, clientId: number): Promise<DeviceHere> {
  const sign = toBase64Url(identity.signing.publicKey)
  return { sign, sig: toBase64Url(await identity.signing.sign(deviceHereBytes(topic, clientId, sign))) }
}

/** Whether `field` (hostile input) is a short form signed by `sign` for this room and presence client. Never throws. */
export async function verifyDeviceHere(field: unknown, topic: string, clientId: number): Promise<string | null> {
  if (typeof field !== 'object' || field === null) return null
  const { sign, sig, seal } = field as Record<string, unknown>
  if (seal !== undefined || typeof sign !== 'string' || typeof sig !== 'string' || sign.length !== 43 || sig.length !== 86) return null
  const key = fromBase64Url(sign)
  const signature = fromBase64Url(sig)
  if (key === null || signature === null) return null
  return (await verifyDeviceSignature(key, deviceHereBytes(topic, clientId, sign), signature)) ? sign : null
}
