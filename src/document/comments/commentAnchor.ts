import * as Y from 'yjs'
import { fromBase64, toBase64 } from 'lib0/buffer'
import { COMMENT_LIMITS } from './commentLimits'

/** Where a thread is anchored, as a `thread` record stores it. */
export interface CommentAnchor {
  /** Relative position of the first character (assoc 0), base64. */
  readonly start: string
  /** Relative position of the last character (assoc -1: text typed right after it stays out), base64. */
  readonly end: string
  /** The words commented on, cut to `COMMENT_LIMITS.quote`. */
  readonly quote: string
  /** Their length when commented on. */
  readonly len: number
}

/** The anchor of `text[from, to)`; null for an empty or out-of-range selection. */
export function commentAnchor(text: Y.Text, from: number, to: number): CommentAnchor | null {
  if (!(from >= 0 && to > from && to <= text.length)) return null
  const start = Y.createRelativePositionFromTypeIndex(text, from, 0)
  const end = Y.createRelativePositionFromTypeIndex(text, to, -1)
  const words = text.toString().slice(from, to)
  return {
    start: toBase64(Y.encodeRelativePosition(start)),
    end: toBase64(Y.encodeRelativePosition(end)),
    quote: words.slice(0, COMMENT_LIMITS.quote),
    len: words.length,
  }
}

/** A stored position decoded; null when it is not one. */
export function decodeAnchorPosition(encoded: string): Y.RelativePosition | null {
  try {
    const rpos = Y.decodeRelativePosition(fromBase64(encoded))
    return rpos.item !== null || rpos.type !== null || rpos.tname !== null ? rpos : null
  } catch {
    return null
  }
}
