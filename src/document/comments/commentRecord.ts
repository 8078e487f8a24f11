import { fromBase64Url } from '../../room/base64Url'
import { MAX_NAME_LENGTH } from '../../presence/userIdentity'
import { COMMENT_LIMITS } from './commentLimits'
import { MAX_COMMENT_RECORD_BYTES } from './commentRecords'

/** What one record does; every action is a record of its own, appended. */
export type CommentRecordKind = 'thread' | 'reply' | 'edit' | 'delete' | 'resolve' | 'reopen'

/**
 * One record of the `comments` array, as stored (flat plain JSON, strings and numbers only):
 * - `thread`: a new thread; `id` is the thread's and its first comment's id; `start`/`end` are
 *   base64 `Y.encodeRelativePosition`s on the text, `quote` the words commented on (cut to
 *   `COMMENT_LIMITS.quote`), `len` their length when written.
 * - `reply`: a comment `id` in thread `on`.
 * - `edit`/`delete`: of comment `on` (accepted only with the same `key` as that comment's).
 * - `resolve`/`reopen`: of thread `on` (anyone who may comment).
 * `key` is the author's device public key (base64url), `name` the name they chose, `at` their
 * clock (ms since 1970, shown, never trusted for order: the array's order is the order), `sig`
 * the Ed25519 signature of `signedCommentBytes`.
 */
export type CommentRecord = {
  readonly type: 'meshpad-comment'
  readonly v: 1
  readonly kind: CommentRecordKind
  readonly id: string
  readonly on?: string
  readonly text?: string
  readonly start?: string
  readonly end?: string
  readonly quote?: string
  readonly len?: number
  readonly key: string
  readonly name: string
  readonly at: number
  readonly sig: string
}

/** A record without its signature: what is signed. */
export type UnsignedCommentRecord = Omit<CommentRecord, 'sig'>

const KINDS: ReadonlySet<string> = new Set(['thread', 'reply', 'edit', 'delete', 'resolve', 'reopen'])
const ID = /^[A-Za-z0-9_-]{16,32}$/
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const FIELDS: ReadonlySet<string> = new Set(['type', 'v', 'kind', 'id', 'on', 'text', 'start', 'end', 'quote', 'len', 'key', 'name', 'at', 'sig'])

/** Characters that reorder or hide text (bidirectional overrides, isolates) or are controls. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/
/** As in names, but a comment keeps its line breaks and tabs. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
export const UNSAFE_IN_TEXT = /[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g

/** The UTF-8 length of `text`, without encoding when it is clearly short. */
function utf8Length(text: string): number {
  return text.length * 3 <= MAX_COMMENT_RECORD_BYTES ? text.length : new TextEncoder().encode(text).length
}

function optionalString(value: unknown, max: number, pattern?: RegExp): value is string | undefined {
  return value === undefined || (typeof value === 'string' && value.length <= max && (pattern === undefined || pattern.test(value)))
}

/**
 * The record `value` is, or null when it is not one this version reads: unknown fields, wrong
 * types, fields a kind does not take or lacks, oversize, unsafe characters. Checks shape only:
 * the signature is checked by `verifyCommentRecord`.
 */
export function parseCommentRecord(value: unknown): CommentRecord | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const record = value as Record<string, unknown>
  for (const field of Object.keys(record)) if (!FIELDS.has(field)) return null
  const { type, v, kind, id, on, text, start, end, quote, len, key, name, at, sig } = record
  if (type !== 'meshpad-comment' || v !== 1 || typeof kind !== 'string' || !KINDS.has(kind)) return null
  if (typeof id !== 'string' || !ID.test(id) || !optionalString(on, 32, ID)) return null
  if (typeof key !== 'string' || fromBase64Url(key)?.length !== 32) return null
  if (typeof sig !== 'string' || fromBase64Url(sig)?.length !== 64) return null
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH || UNSAFE_IN_NAME.test(name)) return null
  if (typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) return null
  if (!optionalString(text, COMMENT_LIMITS.text) || (text !== undefined && text.search(UNSAFE_IN_TEXT) !== -1)) return null
  if (!optionalString(start, COMMENT_LIMITS.anchor, BASE64) || !optionalString(end, COMMENT_LIMITS.anchor, BASE64)) return null
  if (!optionalString(quote, COMMENT_LIMITS.quote) || (len !== undefined && (typeof len !== 'number' || !Number.isSafeInteger(len) || len < 1))) return null
  const anchored = start !== undefined && end !== undefined && quote !== undefined && len !== undefined
  const none = start === undefined && end === undefined && quote === undefined && len === undefined
  const fits =
    kind === 'thread' ? on === undefined && text !== undefined && text.trim() !== '' && anchored
    : kind === 'reply' || kind === 'edit' ? on !== undefined && text !== undefined && text.trim() !== '' && none
    : on !== undefined && text === undefined && none
  if (!fits) return null
  if (utf8Length(JSON.stringify(record)) > MAX_COMMENT_RECORD_BYTES) return null
  return record as unknown as CommentRecord
}

const DOMAIN = 'meshpad/v1/comment-record\n'

/**
 * The bytes an author signs: a domain separator, the room's topic (a record copied into another
 * room does not verify there) and every field but the signature, in a fixed order.
 */
export function signedCommentBytes(topic: string, record: UnsignedCommentRecord): Uint8Array {
  const fields = [topic, record.v, record.kind, record.id, record.on ?? null, record.text ?? null, record.start ?? null, record.end ?? null, record.quote ?? null, record.len ?? null, record.key, record.name, record.at]
  return new TextEncoder().encode(DOMAIN + JSON.stringify(fields))
}
