import * as Y from 'yjs'

/**
 * What a peer sends for one request: `bytes` in all, the messages in order (none when the peer
 * lacks nothing). `M` is what wrapping an update gives: a message, or a signature's promise of one.
 */
export interface StateAnswer<M> {
  readonly bytes: number
  messages(): readonly (M | Uint8Array)[]
}

/** How the answering peer wraps an update into the message that carries it. */
export interface AnswerWrapping<M> {
  /** The message carrying `update` (a v1 sync step 2; in a v2 room, the writer's signed `update`). */
  readonly wrap: (update: Uint8Array) => M
  /** Bytes the message adds to the update (header, signature). */
  readonly overhead: number
  /** Whether an empty update (the asker lacks nothing) is answered with no message at all. */
  readonly skipEmpty: boolean
}

/** The whole document as it was once, wrapped, and the messages applied since. */
interface Kept<M> {
  /** The state vector the whole document was encoded at. */
  readonly at: Map<number, number>
  readonly bytes: number
  readonly message: M
  readonly after: Applied[]
  afterBytes: number
}

/** A message applied since the whole document was kept, and the update it carries. */
interface Applied {
  readonly data: Uint8Array
  readonly update: Uint8Array
  /** Where the update's items end, per client; null if it deletes (or is unreadable). Read once, when first asked. */
  ends?: ReadonlyMap<number, number> | null
}

/** Past these, the messages applied since the kept whole document are dropped with it. */
const MAX_AFTER_MESSAGES = 128
const MAX_AFTER_BYTES = 256 * 1024

/**
 * How long the document stays unchanged before the whole document's answer is made again (then
 * when the page is idle): not while someone types, and not while a connection is being set up
 * (the encoding would hold the main thread the handshake needs), but well before a newcomer asks.
 * Only where the platform says when it is idle (a browser): a process holding many rooms (the
 * always-on peer, in Node) makes an answer when it is asked for, and keeps no copy of every room.
 */
export const PREPARE_QUIET_MS = 1000

/**
 * What a peer answers a state vector with (what the asker lacks), each answer computed once.
 *
 * A newcomer's state vector holds none of the document's clients (bar its own), so its answer is
 * the whole document: that encoding, wrapped (in a v2 room: signed), is kept and shared by every
 * such request and by snapshot requests. In a browser it is made once the document has been quiet
 * for {@link PREPARE_QUIET_MS} and the page is idle, so a newcomer's request finds it ready. Messages
 * applied since (`applied`, each a message that carries its update as it came: a newcomer's own
 * first updates, this peer's own signed edits) extend the kept answer rather than void it, so it
 * stays a superset of what any such peer lacks, up to a bound; any other change (`changed`) drops
 * it. Another state vector's answer is kept for the one vector last asked, so sizing it (for the
 * link's credit) and sending it encode once. It sends nothing and holds no listener; its owner
 * reports every change to the document, and calls `destroy()`.
 */
export class StateAnswers<M> {
  private kept: Kept<M> | null = null
  private last: { readonly stateVector: Uint8Array; readonly answer: StateAnswer<M> } | null = null
  /** When the document last changed with nothing kept (`performance.now()`). */
  private changedAt = 0
  private quietTimer: ReturnType<typeof setTimeout> | null = null
  private cancelIdle: (() => void) | null = null

  constructor(
    private readonly doc: Y.Doc,
    private readonly wrapping: AnswerWrapping<M>,
  ) {
    // The document may hold a stored copy already, and stay quiet.
    this.prepareLater()
  }

  /** The answer to a peer at `stateVector`. Throws on a malformed vector. */
  answer(stateVector: Uint8Array): StateAnswer<M> {
    const theirs = Y.decodeStateVector(stateVector)
    const kept = this.kept ?? (holdsNoneOf(theirs, stateVectorOf(this.doc)) ? this.keepWhole() : null)
    if (kept !== null && holdsNoneOf(theirs, kept.at)) return keptAnswer(kept, theirs)
    const last = this.last
    if (last !== null && equalBytes(last.stateVector, stateVector)) return last.answer
    const update = Y.encodeStateAsUpdate(this.doc, stateVector)
    const answer = this.answerOf(update)
    this.last = { stateVector: stateVector.slice(), answer }
    return answer
  }

  /** The whole document as one message (what a reader compacts its log onto). */
  snapshot(): StateAnswer<M> {
    if (this.kept !== null && this.kept.after.length > 0) this.kept = null
    return keptAnswer(this.kept ?? this.keepWhole(), null)
  }

  /** `update` was applied to the document; `message()` carries it as it came. */
  applied(message: () => Uint8Array, update: Uint8Array): void {
    this.last = null
    const kept = this.kept
    if (kept === null) return this.prepareLater()
    const data = message()
    kept.after.push({ data, update })
    kept.afterBytes += data.byteLength
    if (kept.after.length > MAX_AFTER_MESSAGES || kept.afterBytes > MAX_AFTER_BYTES) this.changed()
  }

  /**
   * The document changed, and a message carrying the change will be {@link applied} (this
   * writer's own edit, signed once its turn comes): until then only the last answer is stale.
   */
  changing(): void {
    this.last = null
  }

  /** The document changed otherwise: nothing kept answers for it any more. */
  changed(): void {
    this.kept = null
    this.last = null
    this.prepareLater()
  }

  /** Idempotent: drops what is kept and a pending preparation. */
  destroy(): void {
    this.kept = null
    this.last = null
    if (this.quietTimer !== null) clearTimeout(this.quietTimer)
    this.quietTimer = null
    this.cancelIdle?.()
    this.cancelIdle = null
  }

  /**
   * The whole document's answer is made once the document has been quiet for
   * {@link PREPARE_QUIET_MS}; one timer at a time, whatever the rate of changes.
   */
  private prepareLater(): void {
    if (typeof requestIdleCallback !== 'function') return
    this.changedAt = performance.now()
    if (this.quietTimer === null && this.cancelIdle === null) this.quietTimer = setTimeout(this.whenQuiet, PREPARE_QUIET_MS)
  }

  private readonly whenQuiet = (): void => {
    this.quietTimer = null
    const wait = this.changedAt + PREPARE_QUIET_MS - performance.now()
    if (wait > 0) {
      this.quietTimer = setTimeout(this.whenQuiet, wait)
      return
    }
    this.cancelIdle = whenIdle(() => {
      this.cancelIdle = null
      if (this.kept === null) this.keepWhole()
    })
  }

  /** An update's answer, wrapped once, when first asked for. An empty update is two bytes: no structs, no deletions. */
  private answerOf(update: Uint8Array): StateAnswer<M> {
    if (update.length <= 2 && this.wrapping.skipEmpty) return { bytes: 0, messages: () => [] }
    let message: { readonly value: M } | null = null
    return {
      bytes: update.length + this.wrapping.overhead,
      messages: () => [(message ??= { value: this.wrapping.wrap(update) }).value],
    }
  }

  private keepWhole(): Kept<M> {
    const update = Y.encodeStateAsUpdate(this.doc)
    const message = this.wrapping.wrap(update)
    const kept: Kept<M> = { at: stateVectorOf(this.doc), bytes: update.length + this.wrapping.overhead, message, after: [], afterBytes: 0 }
    // A failed signature is not kept: the next request signs again (and reports its failure).
    if (message instanceof Promise) {
      message.catch(() => {
        if (this.kept === kept) this.kept = null
      })
    }
    this.kept = kept
    return kept
  }
}

/**
 * The kept whole document and the messages applied since, less what the asker at `theirs` holds
 * already (null: holds nothing). An asker holding none of the kept document's clients may still
 * hold some of what came since (kept from an empty document, it is everyone who was there): the
 * whole document again, and every keystroke since, would be sent to a peer that has them.
 */
function keptAnswer<M>(kept: Kept<M>, theirs: Map<number, number> | null): StateAnswer<M> {
  const after = theirs === null ? kept.after.slice() : kept.after.filter((applied) => !holdsAll(theirs, (applied.ends ??= itemEnds(applied.update))))
  const whole = kept.at.size > 0 || theirs === null
  const bytes = (whole ? kept.bytes : 0) + after.reduce((sum, applied) => sum + applied.data.byteLength, 0)
  return { bytes, messages: () => [...(whole ? [kept.message] : []), ...after.map((applied) => applied.data)] }
}

/**
 * Where `update`'s items end, per client (the clock after its last item of that client); null if
 * it deletes anything (a deletion leaves no clock behind, so whoever asks is sent it) or cannot
 * be read.
 */
function itemEnds(update: Uint8Array): ReadonlyMap<number, number> | null {
  try {
    const { structs, ds } = Y.decodeUpdate(update)
    if (ds.clients.size > 0) return null
    const ends = new Map<number, number>()
    for (const struct of structs) ends.set(struct.id.client, Math.max(ends.get(struct.id.client) ?? 0, struct.id.clock + struct.length))
    return ends
  } catch {
    return null
  }
}

/** Whether a peer at `theirs` holds every item up to `ends` (Yjs clocks run without gaps). */
function holdsAll(theirs: Map<number, number>, ends: ReadonlyMap<number, number> | null): boolean {
  if (ends === null) return false
  for (const [client, end] of ends) if ((theirs.get(client) ?? 0) < end) return false
  return true
}

/** Runs `run` when the page is next idle; returns its cancel. */
function whenIdle(run: () => void): () => void {
  const handle = requestIdleCallback(run, { timeout: PREPARE_QUIET_MS })
  return () => cancelIdleCallback(handle)
}

const stateVectorOf = (doc: Y.Doc): Map<number, number> => Y.decodeStateVector(Y.encodeStateVector(doc))

/** Whether a peer at `theirs` holds nothing of the clients in `clients` (each at a clock above 0 there). */
function holdsNoneOf(theirs: Map<number, number>, clients: Map<number, number>): boolean {
  for (const [client, clock] of theirs) {
    if (clock > 0 && (clients.get(client) ?? 0) > 0) return false
  }
  return true
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
