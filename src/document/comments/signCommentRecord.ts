import { toBase64Url, fromBase64Url } from '../../room/base64Url'
import { verifyDeviceSignature, type DeviceKey } from '../../presence/deviceKey'
import { signedCommentBytes, type CommentRecord, type UnsignedCommentRecord } from './commentRecord'

/** A fresh record id: 16 random bytes, base64url (22 characters). */
export function newCommentId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)))
}

/** What the author of a record chooses; the rest (format, key, time, signature) is added here. */
export type CommentRecordFields = Omit<UnsignedCommentRecord, 'type' | 'v' | 'key' | 'at' | 'id'> & { readonly id?: string }

/** A record signed by `device` for the room `topic`, ready to append. */
export async function signCommentRecord(device: DeviceKey, topic: string, fields: CommentRecordFields, now: number = Date.now()): Promise<CommentRecord> {
  const unsigned: UnsignedCommentRecord = {
    type: 'meshpad-comment',
    v: 1,
    ...fields,
    id: fields.id ?? newCommentId(),
    key: toBase64Url(device.publicKey),
    at: Math.floor(now),
  }
  const sig = await device.sign(signedCommentBytes(topic, unsigned))
  // Undefined fields are dropped, so the stored JSON is exactly what was signed.
  return JSON.parse(JSON.stringify({ ...unsigned, sig: toBase64Url(sig) })) as CommentRecord
}

/** Whether a parsed record carries its author's valid signature for the room `topic`. */
export async function verifyCommentRecord(topic: string, record: CommentRecord): Promise<boolean> {
  const key = fromBase64Url(record.key)
  const sig = fromBase64Url(record.sig)
  if (key === null || sig === null) return false
  const { sig: _signature, ...unsigned } = record
  return verifyDeviceSignature(key, signedCommentBytes(topic, unsigned), sig)
}
