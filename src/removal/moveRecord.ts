import { digest } from 'lib0/hash/sha256'
import { fromBase64Url, toBase64Url } from '../room/base64Url'
import { MAX_NAME_LENGTH } from '../presence/userIdentity'

/** The document's append-only list of move records (a writer appends one when removing people). */
export const MOVES_ARRAY = 'moves'

/** Domain separation and version of what a move record's signature covers. */
export const MOVE_LABEL = 'meshpad/v2/move'

/** Bounds a record must keep to be read at all (it is hostile input until its signature holds). */
export const MOVE_LIMITS = {
  sealed: 1000,
  removed: 1000,
  /** A box holds one link: 65 + 12 + 16 bytes of overhead and a fragment of at most 140 characters. */
  boxChars: 400,
  /** Records of this room that are checked; later ones are ignored and counted (a storm costs no more signature checks). */
  records: 16,
  /** Entries of the list that are read at all (this room's and those carried along from earlier rooms). */
  scanned: 256,
} as const

/** One person a record removes or keeps, by device signing key (base64url) and the name shown then. */
export interface MovePerson {
  readonly device: string
  readonly name: string
}

/** The new room's link sealed to one kept device (see `sealTo`). */
export interface SealedLink {
  readonly device: string
  readonly box: string
}

/**
 * A writer's record that the room moved: the new room's topic, who removed whom, and the new link
 * sealed to each kept device. Signed with the old room's edit key: only a writer can move people,
 * and no one can change a record without it failing.
 */
export interface MoveRecord {
  readonly v: 1
  /** The old room's topic: a record copied into another room does nothing there. */
  readonly from: string
  /**
   * The new room, committed to but not named: {@link roomCommitment} of its topic. A removed
   * person reads the record and learns nothing of the new room; a kept one checks that the link
   * sealed to it opens this room, and refuses a box that opens another.
   */
  readonly to: string
  readonly at: number
  readonly by: MovePerson
  readonly removed: readonly MovePerson[]
  readonly sealed: readonly SealedLink[]
  /** Ed25519 over {@link moveRecordBytes} with the old room's edit key, base64url. */
  readonly sig: string
}

export type UnsignedMoveRecord = Omit<MoveRecord, 'sig'>

/** What a move record's signature covers: the label and every field but the signature, in one order. */
export function moveRecordBytes(record: UnsignedMoveRecord): Uint8Array<ArrayBuffer> {
  const people = (list: readonly MovePerson[]): string[][] => list.map(({ device, name }) => [device, name])
  const body = JSON.stringify([record.v, record.from, record.to, record.at, record.by.device, record.by.name, people(record.removed), record.sealed.map(({ device, box }) => [device, box])])
  return new TextEncoder().encode(`${MOVE_LABEL}\0${body}`)
}

/** A record's id: the hex SHA-256 of its signed bytes and signature. Concurrent records resolve by it (see `pickMove`). */
export function moveRecordId(record: MoveRecord): string {
  const bytes = moveRecordBytes(record)
  const all = new Uint8Array(bytes.length + record.sig.length)
  all.set(bytes)
  all.set(new TextEncoder().encode(record.sig), bytes.length)
  return Array.from(digest(all), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** Domain separation and version of the new room's commitment. */
export const ROOM_COMMITMENT_LABEL = 'meshpad/v2/move-room'

/** What a record says of the new room: the hex SHA-256 of a label and its topic. */
export function roomCommitment(topic: string): string {
  return Array.from(digest(new TextEncoder().encode(`${ROOM_COMMITMENT_LABEL}\0${topic}`)), (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** The context a link is sealed under: the record's rooms and the device, so a box moved elsewhere does not open. */
export function sealContext(from: string, to: string, device: string): string {
  // `to` is the record's commitment to the new room.
  return `move\0${from}\0${to}\0${device}`
}

export async function signMoveRecord(privateKey: CryptoKey, record: UnsignedMoveRecord): Promise<MoveRecord> {
  const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, moveRecordBytes(record)))
  return { ...record, sig: toBase64Url(signature) }
}

const TOPIC = /^[0-9a-f]{64}$/
const DEVICE = /^[A-Za-z0-9_-]{43}$/

function parsePerson(value: unknown): MovePerson | null {
  if (typeof value !== 'object' || value === null) return null
  const { device, name } = value as Record<string, unknown>
  if (typeof device !== 'string' || !DEVICE.test(device) || typeof name !== 'string' || name.length > MAX_NAME_LENGTH) return null
  return { device, name }
}

function parseList<T>(value: unknown, max: number, parse: (item: unknown) => T | null): T[] | null {
  if (!Array.isArray(value) || value.length > max) return null
  const items: T[] = []
  for (const item of value) {
    const parsed = parse(item)
    if (parsed === null) return null
    items.push(parsed)
  }
  return items
}

function parseSealed(value: unknown): SealedLink | null {
  if (typeof value !== 'object' || value === null) return null
  const { device, box } = value as Record<string, unknown>
  if (typeof device !== 'string' || !DEVICE.test(device) || typeof box !== 'string' || box.length > MOVE_LIMITS.boxChars) return null
  return fromBase64Url(box) === null ? null : { device, box }
}

/** Reads a record's shape (hostile input): a {@link MoveRecord}, or null. Checks no signature. */
export function parseMoveRecord(value: unknown): MoveRecord | null {
  if (typeof value !== 'object' || value === null) return null
  const { v, from, to, at, by, removed, sealed, sig } = value as Record<string, unknown>
  if (v !== 1 || typeof from !== 'string' || !TOPIC.test(from) || typeof to !== 'string' || !TOPIC.test(to) || from === to) return null
  if (typeof at !== 'number' || !Number.isFinite(at) || typeof sig !== 'string' || sig.length !== 86) return null
  const author = parsePerson(by)
  const removedPeople = parseList(removed, MOVE_LIMITS.removed, parsePerson)
  const sealedLinks = parseList(sealed, MOVE_LIMITS.sealed, parseSealed)
  if (author === null || removedPeople === null || sealedLinks === null) return null
  return { v, from, to, at, by: author, removed: removedPeople, sealed: sealedLinks, sig }
}

/** Whether `record` is signed by the room's edit key (`verifyKey`). */
export async function verifyMoveRecord(verifyKey: CryptoKey, record: MoveRecord): Promise<boolean> {
  const signature = fromBase64Url(record.sig)
  if (signature === null || signature.length !== 64) return false
  try {
    return await crypto.subtle.verify('Ed25519', verifyKey, new Uint8Array(signature), moveRecordBytes(record))
  } catch {
    return false
  }
}
