import type * as Y from 'yjs'

/** The name of the shared array of comment records in a room's document. */
export const COMMENTS_KEY = 'comments'

/**
 * The transaction origin of every comment write. In a signed room, a commenter's own updates
 * with this origin are signed with the room's comment key; anything else it writes is not sent.
 */
export const COMMENT_ORIGIN = Symbol('meshpad: comment')

/**
 * The most bytes one record may take as JSON. Larger records are refused on the wire (from
 * comment-link holders) and never shown (from anyone).
 */
export const MAX_COMMENT_RECORD_BYTES = 16 * 1024

/**
 * The comment records of a room. The array is append-only and holds plain JSON objects (one per
 * action: a thread, a reply, an edit, a delete, a resolve, a reopen): nothing is ever deleted
 * from it, overwritten, or nested. Every peer refuses a comment-link holder's update that does
 * anything else (see `commentOnlyUpdate`), so comment-link holders can add records and nothing more.
 */
export function commentRecords(doc: Y.Doc): Y.Array<unknown> {
  return doc.getArray(COMMENTS_KEY)
}

/** Appends one record, with the origin the signed sync signs comments under. */
export function appendCommentRecord(doc: Y.Doc, record: Readonly<Record<string, unknown>>): void {
  doc.transact(() => commentRecords(doc).push([record]), COMMENT_ORIGIN)
}

/**
 * The field of `meta` holding the room's comment public key (base64url), written by writers (so
 * signed with the edit key): the read-only link does not carry it, and every peer needs it to
 * check comment-link holders' updates.
 */
export const COMMENT_KEY_FIELD = 'commentKey'

/** The room's comment public key as a writer published it; null if none has yet. */
export function publishedCommentKey(doc: Y.Doc): string | null {
  const value = doc.getMap('meta').get(COMMENT_KEY_FIELD)
  return typeof value === 'string' ? value : null
}

/** Publishes the room's comment public key (a writer, once its copy is loaded), unless it is already there. */
export function publishCommentKey(doc: Y.Doc, publicKey: string): void {
  if (publishedCommentKey(doc) !== publicKey) doc.getMap('meta').set(COMMENT_KEY_FIELD, publicKey)
}
