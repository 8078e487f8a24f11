import { COMMENT_LIMITS } from './commentLimits'
import type { CommentRecord } from './commentRecord'

/** One record as the fold sees it: parsed (or null: malformed) and whether its signature holds. */
export interface FoldEntry {
  readonly record: CommentRecord | null
  readonly verdict: 'valid' | 'invalid' | 'pending'
}

export interface FoldedComment {
  readonly id: string
  /** The author's device key (base64url): the only key whose edits and deletes are accepted. */
  readonly key: string
  /** The name the author chose when writing it (a claim, not a proof). */
  readonly name: string
  readonly at: number
  /** The latest text; empty once deleted. */
  readonly text: string
  readonly editedAt: number | null
  readonly deleted: boolean
}

export interface FoldedThread {
  readonly id: string
  readonly start: string
  readonly end: string
  readonly quote: string
  readonly len: number
  /** The first comment, then the replies, in array order. */
  readonly comments: readonly FoldedComment[]
  readonly resolved: boolean
  /** Who resolved or reopened it last, and when; null if nobody did. */
  readonly statusBy: { readonly name: string; readonly at: number } | null
}

/** Why records were not applied; each is counted once. */
export interface IgnoredRecords {
  readonly malformed: number
  readonly badSignature: number
  /** Acting on a thread or comment that no earlier record created (or a repeated id). */
  readonly unknownTarget: number
  /** An edit or delete signed by another key than the comment's. */
  readonly notAuthor: number
  /** Past a bound of `COMMENT_LIMITS` (threads, comments per thread, records read). */
  readonly overLimit: number
}

export interface FoldedComments {
  /** In array order. */
  readonly threads: readonly FoldedThread[]
  readonly ignored: IgnoredRecords
  /** Records whose signature is still being checked (not applied yet). */
  readonly pending: number
}

interface MutableComment {
  id: string
  key: string
  name: string
  at: number
  text: string
  editedAt: number | null
  deleted: boolean
}

interface MutableThread {
  id: string
  start: string
  end: string
  quote: string
  len: number
  comments: MutableComment[]
  resolved: boolean
  statusBy: { name: string; at: number } | null
}

/**
 * Folds the records, in array order, into threads. Applies a record only if it parsed, its
 * signature holds, its id is new and what it acts on was created earlier in the array; an edit
 * or delete only with the comment's own key; resolve and reopen from anyone (the last one wins).
 * Records past `COMMENT_LIMITS.records` are counted as over the limit and not looked at.
 */
export function foldComments(entries: readonly FoldEntry[], total: number = entries.length): FoldedComments {
  const ignored = { malformed: 0, badSignature: 0, unknownTarget: 0, notAuthor: 0, overLimit: Math.max(0, total - COMMENT_LIMITS.records) }
  let pending = 0
  const seen = new Set<string>()
  const threads = new Map<string, MutableThread>()
  const comments = new Map<string, MutableComment>()
  const count = Math.min(entries.length, COMMENT_LIMITS.records)
  for (let i = 0; i < count; i++) {
    const { record, verdict } = entries[i]!
    if (record === null) {
      ignored.malformed++
      continue
    }
    if (verdict === 'pending') {
      pending++
      continue
    }
    if (verdict === 'invalid') {
      ignored.badSignature++
      continue
    }
    if (seen.has(record.id)) {
      ignored.unknownTarget++
      continue
    }
    seen.add(record.id)
    const comment = (): MutableComment => ({ id: record.id, key: record.key, name: record.name, at: record.at, text: record.text ?? '', editedAt: null, deleted: false })
    switch (record.kind) {
      case 'thread': {
        if (threads.size >= COMMENT_LIMITS.threads) {
          ignored.overLimit++
          break
        }
        const first = comment()
        threads.set(record.id, { id: record.id, start: record.start!, end: record.end!, quote: record.quote!, len: record.len!, comments: [first], resolved: false, statusBy: null })
        comments.set(record.id, first)
        break
      }
      case 'reply': {
        const thread = threads.get(record.on!)
        if (thread === undefined) ignored.unknownTarget++
        else if (thread.comments.length >= COMMENT_LIMITS.commentsPerThread) ignored.overLimit++
        else {
          const reply = comment()
          thread.comments.push(reply)
          comments.set(record.id, reply)
        }
        break
      }
      case 'edit':
      case 'delete': {
        const target = comments.get(record.on!)
        if (target === undefined || target.deleted) ignored.unknownTarget++
        else if (target.key !== record.key) ignored.notAuthor++
        else if (record.kind === 'delete') {
          target.deleted = true
          target.text = ''
        } else {
          target.text = record.text!
          target.editedAt = record.at
        }
        break
      }
      case 'resolve':
      case 'reopen': {
        const thread = threads.get(record.on!)
        if (thread === undefined) ignored.unknownTarget++
        else {
          thread.resolved = record.kind === 'resolve'
          thread.statusBy = { name: record.name, at: record.at }
        }
        break
      }
    }
  }
  return { threads: [...threads.values()], ignored, pending }
}
