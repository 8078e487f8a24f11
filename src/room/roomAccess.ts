import { hkdfSha256 } from './hkdfSha256'
import { digest } from 'lib0/hash/sha256'
import { fromBase64Url, toBase64Url } from './base64Url'

/** Bytes of a v2 room's root secret (edit link), room key and Ed25519 public key. */
export const KEY_BYTES = 32

/**
 * Prefixes of v2 link fragments: `#e1.<root>` edits, `#r1.<room key>.<public key>` reads,
 * `#c1.<room key>.<public key>.<comment seed>` reads and comments.
 */
export const EDIT_FRAGMENT_PREFIX = 'e1.'
export const READ_FRAGMENT_PREFIX = 'r1.'
export const COMMENT_FRAGMENT_PREFIX = 'c1.'

/**
 * Domain separation and versions of every v2 derivation. Changing one moves every v2 room to new
 * keys, so they are versioned rather than edited.
 */
export const DERIVATION = {
  salt: 'meshpad/v2',
  roomKey: 'meshpad/v2/room-key',
  editSeed: 'meshpad/v2/edit-seed',
  commentSeed: 'meshpad/v2/comment-seed',
  topic: 'meshpad/v2/topic',
  password: 'meshpad/v2/password',
} as const

const B64 = '[A-Za-z0-9_-]{43}'
const EDIT_FRAGMENT = new RegExp(`^e1\\.(${B64})$`)
const READ_FRAGMENT = new RegExp(`^r1\\.(${B64})\\.(${B64})$`)
const COMMENT_FRAGMENT = new RegExp(`^c1\\.(${B64})\\.(${B64})\\.(${B64})$`)

/**
 * What a link fragment grants.
 * - v1: a plain `#SECRET` (every link before v2): edit rights, nothing signed.
 * - v2 edit: the root secret, from which everything else derives.
 * - v2 read: the room key (topic, encryption) and the writers' public key; the edit seed cannot
 *   be derived from either (HKDF is one-way).
 * - v2 comment: a read link plus the comment seed (derived from the root), which signs comments
 *   and nothing else; `commentSeed` is null for a read link.
 */
export type RoomAccess =
  | { readonly version: 1; readonly canEdit: true; readonly secret: string }
  | { readonly version: 2; readonly canEdit: true; readonly root: Uint8Array; readonly roomKey: Uint8Array }
  | {
      readonly version: 2
      readonly canEdit: false
      readonly roomKey: Uint8Array
      readonly publicKey: Uint8Array
      readonly commentSeed: Uint8Array | null
    }

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const derive = (ikm: Uint8Array, label: string): Uint8Array => hkdfSha256(ikm, utf8(DERIVATION.salt), utf8(label), KEY_BYTES)
const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')

function decodeKey(text: string): Uint8Array | null {
  const bytes = fromBase64Url(text)
  // 43 characters hold 258 bits; only the canonical encoding of 32 bytes is accepted, so
  // one key has one link.
  return bytes !== null && bytes.length === KEY_BYTES && toBase64Url(bytes) === text ? bytes : null
}

/** The room key of a v2 root secret: both links hold it. */
export function roomKeyOf(root: Uint8Array): Uint8Array {
  return derive(root, DERIVATION.roomKey)
}

/** The 32-byte Ed25519 seed that signs a v2 room's comments: the edit link derives it, the comment link carries it. */
export function commentSeedOf(root: Uint8Array): Uint8Array {
  return derive(root, DERIVATION.commentSeed)
}

/** The 32-byte Ed25519 seed of a v2 root secret: only the edit link can derive it. */
export function editSeedOf(root: Uint8Array): Uint8Array {
  return derive(root, DERIVATION.editSeed)
}

/**
 * Reads a link fragment (without `#`). An exact `e1.`/`r1.` fragment is a v2 link; anything else
 * is a v1 secret, as every fragment was before v2, so old links open exactly as they did. Callers
 * check `roomLinkProblem` first: a damaged `e1.`/`r1.` link must not open as a v1 room. With
 * `v2Only`, anything but an exact v2 link gives null.
 */
export function parseRoomAccess(fragment: string): RoomAccess
export function parseRoomAccess(fragment: string, options: { readonly v2Only: true }): RoomAccess | null
export function parseRoomAccess(fragment: string, options?: { readonly v2Only: true }): RoomAccess | null {
  const keys = v2Keys(fragment)
  if (keys?.root) return { version: 2, canEdit: true, root: keys.root, roomKey: roomKeyOf(keys.root) }
  if (keys?.roomKey) return { version: 2, canEdit: false, roomKey: keys.roomKey, publicKey: keys.publicKey, commentSeed: keys.commentSeed }
  return options?.v2Only ? null : { version: 1, canEdit: true, secret: fragment }
}

/** The keys an exact v2 fragment carries, decoded, nothing derived; null for any other fragment. */
function v2Keys(
  fragment: string,
): { root: Uint8Array; roomKey?: undefined } | { root?: undefined; roomKey: Uint8Array; publicKey: Uint8Array; commentSeed: Uint8Array | null } | null {
  const edit = EDIT_FRAGMENT.exec(fragment)
  const root = edit ? decodeKey(edit[1] as string) : null
  if (root !== null) return { root }
  const read = READ_FRAGMENT.exec(fragment) ?? COMMENT_FRAGMENT.exec(fragment)
  const roomKey = read ? decodeKey(read[1] as string) : null
  const publicKey = read ? decodeKey(read[2] as string) : null
  const commentSeed = read?.[3] === undefined ? null : decodeKey(read[3])
  if (roomKey === null || publicKey === null || (read?.[3] !== undefined && commentSeed === null)) return null
  return { roomKey, publicKey, commentSeed }
}

/**
 * Whether `fragment` starts as a v2 link (`e1.`/`r1.`) yet is not an exact one: such a link must
 * open nothing (see `roomLinkProblem` for the words), never an old-style room of that name.
 */
export function isDamagedV2Link(fragment: string): boolean {
  const prefixed = [EDIT_FRAGMENT_PREFIX, READ_FRAGMENT_PREFIX, COMMENT_FRAGMENT_PREFIX].some((prefix) => fragment.startsWith(prefix))
  return prefixed && v2Keys(fragment) === null
}

/** A new v2 room: its edit link fragment, from 32 bytes of the platform's CSPRNG. */
export function createEditFragment(): string {
  return EDIT_FRAGMENT_PREFIX + toBase64Url(crypto.getRandomValues(new Uint8Array(KEY_BYTES)))
}

/** The read-only fragment of a v2 room, given its writers' public key. */
export function readFragment(roomKey: Uint8Array, publicKey: Uint8Array): string {
  return `${READ_FRAGMENT_PREFIX}${toBase64Url(roomKey)}.${toBase64Url(publicKey)}`
}

/** The comment link fragment of a v2 room: its read link plus the comment seed. */
export function commentFragment(roomKey: Uint8Array, publicKey: Uint8Array, commentSeed: Uint8Array): string {
  return `${COMMENT_FRAGMENT_PREFIX}${toBase64Url(roomKey)}.${toBase64Url(publicKey)}.${toBase64Url(commentSeed)}`
}

/**
 * Domain separation and version of the v1 topic derivation: a v1 room's topic is the hex SHA-256
 * of this prefix and the secret.
 */
export const ROOM_TOPIC_PREFIX = 'meshpad/v1/room/'

/**
 * The room's name on the wire and in storage (see `roomTopic`). Both links of a v2 room give the
 * same topic: it comes from the room key.
 */
export function accessTopic(access: RoomAccess): string {
  return access.version === 1
    ? hex(digest(utf8(ROOM_TOPIC_PREFIX + access.secret)))
    : hex(derive(access.roomKey, DERIVATION.topic))
}

/** y-webrtc's `password` (signaling and BroadcastChannel encryption): from the room key in v2. */
export function accessPassword(access: RoomAccess): string {
  return access.version === 1 ? access.secret : toBase64Url(derive(access.roomKey, DERIVATION.password))
}
