import type * as Y from 'yjs'
import type { DeviceKey } from '../../presence/deviceKey'
import { toBase64Url } from '../../room/base64Url'
import { commentAnchor, decodeAnchorPosition, type CommentAnchor } from './commentAnchor'
import { COMMENT_LIMITS } from './commentLimits'
import { parseCommentRecord, UNSAFE_IN_TEXT, type CommentRecord } from './commentRecord'
import { appendCommentRecord, commentRecords } from './commentRecords'
import { foldComments, type FoldedComment, type FoldEntry, type FoldedThread, type IgnoredRecords } from './foldComments'
import { resolveAnchors, type AnchorPlace, type DecodedAnchor } from './resolveAnchors'
import { signCommentRecord, verifyCommentRecord, type CommentRecordFields } from './signCommentRecord'

export type CommentView = FoldedComment & {
  /** Written with this browser's device key: it may edit and delete it. */
  readonly mine: boolean
}

/** A thread as shown: folded, with where its words are now. */
export type ThreadView = Omit<FoldedThread, 'comments'> & { readonly comments: readonly CommentView[]; readonly place: AnchorPlace }

export interface CommentsState {
  /** In text order (by where their words are or were; threads whose anchor names nothing last). */
  readonly threads: readonly ThreadView[]
  readonly ignored: IgnoredRecords
  /** Records whose signature is being checked. */
  readonly pending: number
}

export interface CommentsOptions {
  /** The document read: records and text (the session's `doc`). */
  readonly doc: Y.Doc
  readonly text: Y.Text
  /** The document records are appended to (the session's `commentDoc`). */
  readonly writeDoc: Y.Doc
  /** The room's topic, in every signature. */
  readonly topic: string
  readonly device: Promise<DeviceKey>
  /** The name records carry (a person's chosen name). */
  readonly name: () => string
  /** How long the text must rest before anchors are placed again; the editor maps its marks meanwhile. */
  readonly resolveDelayMs?: number
}

const VERIFY_BATCH = 256

/**
 * The comments of one document: it reads the `comments` array, checks every record's signature
 * once (cached by record; at most `COMMENT_LIMITS.records` records, in batches that let the page
 * breathe), folds them into threads (see `foldComments`), places each thread's words in the text
 * (again after the text rests), and appends new records signed with this browser's device key.
 * It never writes to the text. `destroy()` (idempotent) removes every observer and timer.
 */
export class Comments {
  private readonly records: Y.Array<unknown>
  private readonly listeners = new Set<() => void>()
  private readonly parsed = new WeakMap<object, CommentRecord | null>()
  private readonly verdicts = new WeakMap<CommentRecord, 'valid' | 'invalid'>()
  private readonly anchors = new Map<string, DecodedAnchor>()
  private queue = new Set<CommentRecord>()
  private verifying = false
  private folded: ReturnType<typeof foldComments> = foldComments([])
  private current: CommentsState = { threads: [], ignored: this.folded.ignored, pending: 0 }
  private myKey: string | null = null
  private timer: ReturnType<typeof setTimeout> | null = null
  /** What the published state was made from: the fold's threads, this browser's key, the places. */
  private shown: { fold: readonly FoldedThread[] | null; key: string | null; places: readonly AnchorPlace[] } = { fold: null, key: null, places: [] }
  private destroyed = false

  constructor(private readonly options: CommentsOptions) {
    this.records = commentRecords(options.doc)
    this.records.observe(this.onRecords)
    options.text.observe(this.onText)
    options.device.then(
      (device) => {
        this.myKey = toBase64Url(device.publicKey)
        this.publish()
      },
      () => {},
    )
    this.onRecords()
  }

  get state(): CommentsState {
    return this.current
  }

  /** Calls `listener` after every change of `state`; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    if (this.destroyed) return () => {}
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Starts a thread on `text[from, to)`; null when the selection is empty or the text blank. */
  async addThread(from: number, to: number, body: string): Promise<string | null> {
    const anchor = commentAnchor(this.options.text, from, to)
    return anchor === null ? null : this.addThreadAt(anchor, body)
  }

  /**
   * Starts a thread on an anchor taken earlier (when the person chose "Comment"): the words stay
   * the ones chosen, whatever others typed meanwhile. Null when the text is blank.
   */
  async addThreadAt(anchor: CommentAnchor, body: string): Promise<string | null> {
    const text = cleanText(body)
    return text === '' ? null : this.append({ kind: 'thread', text, ...anchor })
  }

  async reply(threadId: string, body: string): Promise<string | null> {
    const text = cleanText(body)
    return text === '' ? null : this.append({ kind: 'reply', on: threadId, text })
  }

  async edit(commentId: string, body: string): Promise<string | null> {
    const text = cleanText(body)
    return text === '' ? null : this.append({ kind: 'edit', on: commentId, text })
  }

  remove(commentId: string): Promise<string | null> {
    return this.append({ kind: 'delete', on: commentId })
  }

  resolve(threadId: string): Promise<string | null> {
    return this.append({ kind: 'resolve', on: threadId })
  }

  reopen(threadId: string): Promise<string | null> {
    return this.append({ kind: 'reopen', on: threadId })
  }

  /** Places every thread's words again now (the text's rest timer does it otherwise). */
  placeNow(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    this.publish()
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.records.unobserve(this.onRecords)
    this.options.text.unobserve(this.onText)
    if (this.timer !== null) clearTimeout(this.timer)
    this.listeners.clear()
    this.queue.clear()
  }

  private async append(fields: Omit<CommentRecordFields, 'name'>): Promise<string | null> {
    const device = await this.options.device
    if (this.destroyed) return null
    const name = this.options.name().trim() || 'Anonymous'
    const record = await signCommentRecord(device, this.options.topic, { ...fields, name })
    if (this.destroyed) return null
    // Our own record is valid: no need to check it again.
    this.verdicts.set(record, 'valid')
    appendCommentRecord(this.options.writeDoc, record)
    return record.id
  }

  private readonly onText = (): void => {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      if (!this.destroyed) this.publish()
    }, this.options.resolveDelayMs ?? 250)
  }

  private readonly onRecords = (): void => {
    if (this.destroyed) return
    const count = Math.min(this.records.length, COMMENT_LIMITS.records)
    const raw = this.records.slice(0, count)
    const entries: FoldEntry[] = raw.map((value) => {
      const record = this.parse(value)
      if (record === null) return { record, verdict: 'invalid' }
      const verdict = this.verdicts.get(record)
      if (verdict === undefined) this.queue.add(record)
      return { record, verdict: verdict ?? 'pending' }
    })
    this.folded = foldComments(entries, this.records.length)
    this.publish()
    void this.verifyQueued()
  }

  private parse(value: unknown): CommentRecord | null {
    if (typeof value !== 'object' || value === null) return null
    let record = this.parsed.get(value)
    if (record === undefined) {
      record = parseCommentRecord(value)
      this.parsed.set(value, record)
    }
    return record
  }

  private async verifyQueued(): Promise<void> {
    if (this.verifying) return
    this.verifying = true
    try {
      while (this.queue.size > 0 && !this.destroyed) {
        const batch = [...this.queue].slice(0, VERIFY_BATCH)
        for (const record of batch) this.queue.delete(record)
        const results = await Promise.all(batch.map((record) => verifyCommentRecord(this.options.topic, record)))
        batch.forEach((record, i) => this.verdicts.set(record, results[i] ? 'valid' : 'invalid'))
        if (!this.destroyed) this.onRecords()
      }
    } finally {
      this.verifying = false
    }
  }

  private publish(): void {
    if (this.destroyed) return
    const { threads, ignored, pending } = this.folded
    const decoded = threads.map((thread) => {
      let anchor = this.anchors.get(thread.id)
      if (anchor === undefined) {
        anchor = { start: decodeAnchorPosition(thread.start), end: decodeAnchorPosition(thread.end), quote: thread.quote, len: thread.len }
        this.anchors.set(thread.id, anchor)
      }
      return anchor
    })
    const places = resolveAnchors(this.options.text, decoded)
    // The text rested but no thread moved: nothing to tell (the editor mapped its marks).
    if (threads === this.shown.fold && this.myKey === this.shown.key && places.every((place, i) => samePlace(place, this.shown.places[i]))) return
    this.shown = { fold: threads, key: this.myKey, places }
    const views: ThreadView[] = threads.map((thread, i) => ({
      ...thread,
      comments: thread.comments.map((comment) => ({ ...comment, mine: comment.key === this.myKey })),
      place: places[i]!,
    }))
    const at = (view: ThreadView): number => (view.place.status === 'missing' ? Number.POSITIVE_INFINITY : view.place.from)
    views.sort((a, b) => at(a) - at(b))
    this.current = { threads: views, ignored, pending }
    for (const listener of this.listeners) listener()
  }
}

function samePlace(a: AnchorPlace, b: AnchorPlace | undefined): boolean {
  if (b === undefined || a.status !== b.status) return false
  return a.status === 'missing' || (b.status !== 'missing' && a.from === b.from && a.to === b.to)
}

/** Comment text as stored: plain text, trimmed, bounded, without controls that hide or reorder. */
export function cleanText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(UNSAFE_IN_TEXT, '')
    .trim()
    .slice(0, COMMENT_LIMITS.text)
}
