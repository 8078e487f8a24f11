import * as Y from 'yjs'
import { SIGNATURE_BYTES } from './signedSyncMessage'

/** What a writer sends a peer for one request: `bytes` in all, signed when `messages` resolves. */
export interface WriterAnswer {
  readonly bytes: number
  /** The signed messages to send, in order (none when the peer lacks nothing). */
  messages(): Promise<readonly Uint8Array[]>
}

/** The whole document as it was once, signed, and the signed messages applied since. */
interface Kept {
  /** The state vector the whole document was encoded at. */
  readonly at: Map<number, number>
  readonly bytes: number
  readonly message: Promise<Uint8Array>
  readonly after: Uint8Array[]
  afterBytes: number
}

/** Past these, the messages applied since the kept whole document are dropped with it. */
const MAX_AFTER_MESSAGES = 128
const MAX_AFTER_BYTES = 256 * 1024

/**
 * What a writer answers a peer's state vector with, each answer computed once.
 *
 * A newcomer's state vector holds none of the document's clients (bar its own), so its answer is
 * the whole document: that encoding and its signature are kept and shared by every such request
 * and by snapshot requests, and {@link prepare} makes them before the request arrives, while a
 * connection is being set up. Signed messages from peers applied since (`applied`; a newcomer's
 * own first updates among them) extend the kept answer rather than void it, so it stays a
 * superset of what any such peer lacks; any other change (`changed`: this writer's own edits,
 * the local copy) drops it. Another state vector's answer is kept for the one vector last asked,
 * so sizing it for the link's credit and sending it encode once. It sends nothing and holds no
 * listener; its owner reports every change to the document.
 */
export class WriterAnswers {
  private kept: Kept | null = null
  private last: { readonly stateVector: Uint8Array; readonly answer: WriterAnswer } | null = null
  private prepareTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly doc: Y.Doc,
    /** Signs an update as this writer's `update` message: synchronously when it can. */
    private readonly sign: (update: Uint8Array) => Uint8Array | Promise<Uint8Array>,
  ) {}

  /** The answer to a peer at `stateVector`: what it lacks. Throws on a malformed vector. */
  answer(stateVector: Uint8Array): WriterAnswer {
    const theirs = Y.decodeStateVector(stateVector)
    const kept = this.kept ?? (holdsNoneOf(theirs, stateVectorOf(this.doc)) ? this.keepWhole() : null)
    if (kept !== null && holdsNoneOf(theirs, kept.at)) return keptAnswer(kept)
    const last = this.last
    if (last !== null && equalBytes(last.stateVector, stateVector)) return last.answer
    const update = Y.encodeStateAsUpdate(this.doc, stateVector)
    // An empty update is two bytes: no structs, no deletions.
    const answer = update.length <= 2 ? { bytes: 0, messages: async () => [] } : { bytes: update.length + SIGNATURE_BYTES, messages: async () => [await this.sign(update)] }
    this.last = { stateVector: stateVector.slice(), answer }
    return answer
  }

  /** The whole document as one signed message (what a reader compacts its log onto). */
  snapshot(): WriterAnswer {
    if (this.kept !== null && this.kept.after.length > 0) this.kept = null
    return keptAnswer(this.kept ?? this.keepWhole())
  }

  /** A peer is connecting: makes the whole document's answer in a task of its own, unless it is kept. */
  prepare(): void {
    if (this.kept !== null || this.prepareTimer !== null) return
    this.prepareTimer = setTimeout(() => {
      this.prepareTimer = null
      if (this.kept === null) this.keepWhole()
    }, 0)
  }

  /** The signed message `data` (a peer's, verified) was applied to the document. */
  applied(data: Uint8Array): void {
    this.last = null
    const kept = this.kept
    if (kept === null) return
    kept.after.push(data)
    kept.afterBytes += data.byteLength
    if (kept.after.length > MAX_AFTER_MESSAGES || kept.afterBytes > MAX_AFTER_BYTES) this.kept = null
  }

  /** The document changed otherwise: nothing kept answers for it any more. */
  changed(): void {
    this.kept = null
    this.last = null
  }

  /** Idempotent: drops what is kept and a pending preparation. */
  destroy(): void {
    this.changed()
    if (this.prepareTimer !== null) clearTimeout(this.prepareTimer)
    this.prepareTimer = null
  }

  private keepWhole(): Kept {
    const update = Y.encodeStateAsUpdate(this.doc)
    const message = Promise.resolve(this.sign(update))
    const kept: Kept = { at: stateVectorOf(this.doc), bytes: update.length + SIGNATURE_BYTES, message, after: [], afterBytes: 0 }
    // A failed signature is not kept: the next request signs again (and reports its failure).
    message.catch(() => {
      if (this.kept === kept) this.kept = null
    })
    this.kept = kept
    return kept
  }
}

function keptAnswer(kept: Kept): WriterAnswer {
  const after = kept.after.slice()
  return { bytes: kept.bytes + kept.afterBytes, messages: async () => [await kept.message, ...after] }
}

/** Whether a peer at `theirs` holds nothing of the clients in `clients` (each at a clock above 0 there). */
function holdsNoneOf(theirs: Map<number, number>, clients: Map<number, number>): boolean {
  for (const [client, clock] of theirs) {
    if (clock > 0 && (clients.get(client) ?? 0) > 0) return false
  }
  return true
}

const stateVectorOf = (doc: Y.Doc): Map<number, number> => Y.decodeStateVector(Y.encodeStateVector(doc))

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
