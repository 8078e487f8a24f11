import type * as Y from 'yjs'
import { publishedCommentKey } from '../../document/comments/commentRecords'
import { fromBase64Url } from '../../room/base64Url'
import { verifyKey } from '../../room/roomSigning'

/** A comment key pair as the edit and comment links hold it (see `RoomSigning.commentSigning`). */
export interface CommentKeys {
  readonly privateKey: Promise<CryptoKey>
  readonly publicKey: Promise<Uint8Array>
}

/**
 * The key that checks comment-link holders' updates: the one this link carries, or else the one a
 * writer published in the document (a read link does not carry it). Each published value is imported once.
 */
export function commentVerifyKey(doc: Y.Doc, own: CommentKeys | null | undefined): () => Promise<CryptoKey | null> {
  if (own) {
    const key = own.publicKey.then(verifyKey)
    key.catch(() => {})
    return () => key.catch(() => null)
  }
  let imported: { text: string; key: Promise<CryptoKey | null> } | null = null
  return () => {
    const text = publishedCommentKey(doc)
    if (text === null) return Promise.resolve(null)
    if (imported?.text !== text) {
      const raw = fromBase64Url(text)
      imported = { text, key: raw === null || raw.length !== 32 ? Promise.resolve(null) : verifyKey(raw).catch(() => null) }
    }
    return imported.key
  }
}
