import * as Y from 'yjs'
import { COMMENT_ORIGIN } from '../../document/comments/commentRecords'
import { commentOnlyUpdate } from './commentOnlyUpdate'
import { decodeSignedSync, encodeSignedSync, isSignedSyncMessage, SIGNATURE_BYTES, signComment } from './signedSyncMessage'
import { SignedLog } from './SignedLog'
import type { SignedDocSyncOptions } from './SignedDocSyncOptions'
import { verifySigned, verifyStored } from './verifySigned'
import { UpdateSigner } from './UpdateSigner'
import { StateAnswers, type StateAnswer } from '../messages/StateAnswers'

export type { SignedDocSyncOptions } from './SignedDocSyncOptions'

/** A writer's signed message, or WebCrypto's promise of it. */
type SignedMessage = Uint8Array | Promise<Uint8Array>

/** The log's name for this peer's own comments (no link is named so). */
const OWN = '\0own'

interface Link {
  readonly send: (data: Uint8Array) => void
  /** Messages from this link are handled in order; verification runs ahead, applying does not. */
  chain: Promise<void>
  synced: boolean; canEdit: boolean
  /** Sent to after every other link (another tab of this browser: no one waits on it as on a remote peer). */
  readonly last: boolean
}

/**
 * The document sync of a v2 room (see `signedSyncMessage` for the wire protocol). It signs this
 * peer's own updates with the edit key (a task's updates in one signature, in order), or, holding
 * only the comment key, its own comment records; checks every update and comment a peer sends
 * before applying it (a comment only if it just appends comment records), counting what fails
 * (`ignored`); forwards what it verified verbatim, so a reader relays what it cannot sign; answers
 * a newcomer's state vector: a writer with one freshly signed diff, others with the signed
 * messages they hold (their log). It knows links only as ids with a `send`; the transports feed
 * `receive`. It does not own the doc. A reader serves only what it holds signed: what it received
 * (compacted onto a writer's signed snapshot) and its own comments, not what its local copy loaded.
 */
export class SignedDocSync {
  private readonly links = new Map<string, Link>()
  private pending: Uint8Array[] = []
  private flushQueued = false
  /** Send steps queued and not yet done. */
  private steps = 0
  private flushing = false
  /** Signing and sending this peer's own messages, in order. */
  private sendChain: Promise<void> = Promise.resolve()
  /** A reader's verified update messages, which it serves to newcomers. */
  private readonly log: SignedLog
  private applied = false
  private ignoredCount = 0
  private destroyed = false
  private readonly signer: UpdateSigner | null
  /** A writer's answers to state vectors and snapshot requests; null for others. */
  private readonly answers: StateAnswers<SignedMessage> | null

  constructor(private readonly options: SignedDocSyncOptions) {
    const { signingKey, topic, verifyKey, warn } = options
    const signer = signingKey && new UpdateSigner({ topic, privateKey: signingKey, seed: options.signingSeed ?? null, verifyKey, load: options.loadSigner, warn })
    this.signer = signer
    this.answers = signer && new StateAnswers<SignedMessage>(options.doc, { wrap: (update) => signer.signNow(update) ?? signer.sign(update), overhead: SIGNATURE_BYTES, skipEmpty: true })
    const store = signingKey === null ? options.logStore : undefined
    this.log = new SignedLog(store ? { store, verify: (data) => verifyStored(options, data) } : null)
    options.doc.on('update', this.handleUpdate)
  }

  get canEdit(): boolean {
    return this.options.signingKey !== null
  }

  /** Updates from peers dropped because they were unsigned, badly signed or malformed. */
  get ignored(): number {
    return this.ignoredCount
  }

  /** Whether an own update waits for its signature (from the update event until it is sent). */
  get signingOwn(): boolean {
    return this.flushQueued || this.flushing
  }

  /** Loads the synchronous signer now (a writer's first own edit with an origin starts it); resolves when settled. */
  prepareSigner(): Promise<void> {
    return this.signer?.prepare() ?? Promise.resolve()
  }

  /** Signed updates a reader holds to serve (0 for a writer). */
  get logSize(): number {
    return this.log.messages.length
  }

  /** Resolves once every message received so far is handled and every own update is sent. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const chains = [this.sendChain, ...[...this.links.values()].map((link) => link.chain)]
      await Promise.all(chains)
      const now = [this.sendChain, ...[...this.links.values()].map((link) => link.chain)]
      if (now.length === chains.length && now.every((chain, i) => chain === chains[i])) return
    }
  }

  /**
   * Registers a link; `hello` starts the exchange once it can carry messages. A `last` link is
   * sent each update after the others.
   */
  addLink(id: string, send: (data: Uint8Array) => void, options: { readonly last?: boolean } = {}): void {
    if (this.destroyed) return
    // A newer connection to a peer (glare) replaces the older one, which may close later.
    this.links.set(id, { send, chain: Promise.resolve(), synced: false, canEdit: false, last: options.last === true })
  }

  /** The links in the order an update goes to them: `last` ones after the others. */
  private *sendOrder(): Generator<[string, Link]> {
    for (const entry of this.links) if (!entry[1].last) yield entry
    for (const entry of this.links) if (entry[1].last) yield entry
  }

  /** Sends this peer's state vector on `id`: the peer answers with what this copy lacks. */
  hello(id: string): void {
    const link = this.links.get(id)
    if (link === undefined) return
    this.trySend(link, encodeSignedSync({ kind: 'state', canEdit: this.canEdit, stateVector: Y.encodeStateVector(this.options.doc) }))
  }

  /** Forgets link `id`; with `send`, only if that is still the link's (not a newer one's). */
  removeLink(id: string, send?: (data: Uint8Array) => void): void {
    const link = this.links.get(id)
    if (link === undefined || (send !== undefined && link.send !== send)) return
    this.links.delete(id)
    this.log.linkGone(id)
    this.options.onChange()
  }

  /** Whether the peer on `id` sent everything it had for this copy's state vector. */
  isSynced(id: string): boolean {
    return this.links.get(id)?.synced === true
  }

  /**
   * About how many bytes the answer to `request` (a `state` or `snapshot` message) takes; null
   * when it is malformed. A writer's answer is computed here once, and sent as computed.
   */
  answerSize(request: Uint8Array): number | null {
    const message = decodeSignedSync(request)
    try {
      if (message?.kind === 'state') return this.answers?.answer(message.stateVector).bytes ?? Y.encodeStateAsUpdate(this.options.doc, message.stateVector).byteLength + SIGNATURE_BYTES
      if (message?.kind === 'snapshot') return this.answers?.snapshot().bytes ?? 0
    } catch {
      // A malformed state vector.
    }
    return null
  }

  /** Handles a message from link `id`; false if it is not of this protocol (someone else's). */
  receive(id: string, data: Uint8Array): boolean {
    if (!isSignedSyncMessage(data)) return false
    const link = this.links.get(id)
    if (link === undefined || this.destroyed) return true
    const message = decodeSignedSync(data)
    if (message === null) {
      this.ignore('a malformed message')
      return true
    }
    switch (message.kind) {
      case 'state':
        link.canEdit = message.canEdit
        this.answerState(link, message.stateVector)
        break
      case 'snapshot':
        if (this.answers !== null) this.sendAnswer(link, (answers) => answers.snapshot())
        break
      case 'done':
        link.chain = link.chain.then(() => {
          link.synced = true
          this.options.onChange()
        })
        break
      case 'update':
      case 'comment': {
        const verified = verifySigned(this.options, message)
        const copy = data.slice()
        link.chain = link.chain.then(async () => {
          const ok = await verified.catch(() => false)
          if (this.destroyed) return
          if (!ok) this.ignore(message.kind === 'update' ? 'an update without a valid signature' : 'a comment without a valid signature')
          // Checked in turn, against the document as the earlier messages left it.
          else if (message.kind === 'comment' && !commentOnlyUpdate(this.options.doc, message.update)) this.ignore('a comment-link update that changes more than comments')
          else this.applyVerified(id, copy, message.update)
        })
        break
      }
    }
    return true
  }

  private ignore(what: string): void {
    this.ignoredCount++
    this.options.warn?.(`[meshpad] ignored ${what} from a peer without edit rights`)
    this.options.onChange()
  }

  private applyVerified(from: string, data: Uint8Array, update: Uint8Array): void {
    const { doc } = this.options
    const { pendingStructs, pendingDs } = doc.store
    this.applied = false
    try {
      Y.applyUpdate(doc, update, this)
    } catch {
      // Signed by a writer, yet unreadable: a bug, not an attack; nothing was applied.
      this.ignore('an unreadable signed update')
      return
    }
    const changed = this.applied || doc.store.pendingStructs !== pendingStructs || doc.store.pendingDs !== pendingDs
    if (changed) this.answers?.applied(() => data, update)
    // The snapshot a reader asked for changes nothing here, yet it is what the log compacts onto.
    if (!this.canEdit && (changed || this.log.awaits(from))) {
      this.log.add(from, data)
      if (this.log.wantsSnapshot) this.requestSnapshot()
    }
    if (!changed) return
    const relayTo = this.options.relayFrom(from, update)
    for (const [id, link] of this.sendOrder()) if (id !== from && relayTo(id)) this.trySend(link, data)
  }

  private answerState(link: Link, stateVector: Uint8Array): void {
    if (this.answers !== null) {
      this.sendAnswer(link, (answers) => answers.answer(stateVector))
      this.enqueue(() => this.trySend(link, encodeSignedSync({ kind: 'done' })))
      return
    }
    for (const data of this.log.messages) this.trySend(link, data)
    this.trySend(link, encodeSignedSync({ kind: 'done' }))
  }

  /** Sends on `link`, when its turn comes, the writer's answer that `answer` picks. */
  private sendAnswer(link: Link, answer: (answers: StateAnswers<SignedMessage>) => StateAnswer<SignedMessage>): void {
    const { answers } = this
    if (answers === null) return
    this.enqueue(async () => {
      let picked: StateAnswer<SignedMessage>
      try {
        picked = answer(answers)
      } catch {
        this.options.warn?.('[meshpad] ignored a malformed state vector from a peer')
        return
      }
      const messages = await Promise.all(picked.messages())
      if (!this.destroyed) for (const message of messages) this.trySend(link, message)
    })
  }

  private readonly handleUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) {
      this.applied = true
      return
    }
    // A writer signs it below, and its answers then take the signed message (see flushLocal).
    this.answers?.changing()
    if (this.destroyed) return
    // A reader signs nothing: its doc holds only verified updates and what its local copy loaded.
    // A comment-link holder signs its own comments, with the comment key, and nothing else.
    if (this.signer === null) {
      if (origin === COMMENT_ORIGIN) this.sendComment(update)
      return
    }
    // Typing has the editor binding as origin; a new room's schema stamp (on load) has none.
    if (origin !== null) void this.signer.prepare()
    this.pending.push(update)
    if (this.flushQueued) return
    // With nothing queued before it, a synchronous signature lets the update leave right
    // here, as y-webrtc sends an unsigned one, before the editor renders the keystroke.
    if (this.steps === 0 && this.signer.synchronous) return void this.flushLocal()
    this.flushQueued = true
    this.enqueue(this.flushLocal)
  }

  /** Runs `step` after every earlier send step; a failure (no Ed25519 here) is reported, not fatal. */
  private enqueue(step: () => void | Promise<void>): void {
    this.steps++
    this.sendChain = this.sendChain
      .then(step)
      .catch((error: unknown) => this.options.warn?.(`[meshpad] could not sign an update: ${String(error)}`))
      .then(() => void this.steps--)
  }

  /** Signs every own update queued so far as one, and sends it to every link. */
  private readonly flushLocal = async (): Promise<void> => {
    this.flushQueued = false
    this.flushing = true
    try {
      const updates = this.pending
      this.pending = []
      if (updates.length === 0 || this.signer === null) return
      const update = updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates)
      // No await once the signer is synchronous: the send stays in the edit's task.
      const message = this.signer.signNow(update) ?? (await this.signer.sign(update).catch((error: unknown) => {
        this.answers?.changed()
        throw error
      }))
      if (this.destroyed) return
      this.answers?.applied(() => message, update)
      for (const [, link] of this.sendOrder()) this.trySend(link, message)
    } finally {
      this.flushing = false
      if (!this.flushQueued && !this.destroyed) this.options.onOwnSent?.()
    }
  }

  /** Signs a comment-link holder's own comment and sends it to every link; it is kept to be served, as a reader serves what it holds. */
  private sendComment(update: Uint8Array): void {
    const key = this.options.commentSigningKey
    if (key === null || key === undefined) return
    this.enqueue(async () => {
      const message = await signComment(await key, this.options.topic, update)
      if (this.destroyed) return
      this.log.add(OWN, message)
      for (const [, link] of this.sendOrder()) this.trySend(link, message)
    })
  }

  private requestSnapshot(): void {
    for (const [id, link] of this.links) {
      if (!link.canEdit) continue
      this.log.snapshotAsked(id)
      this.trySend(link, encodeSignedSync({ kind: 'snapshot' }))
      return
    }
  }

  private trySend(link: Link, data: Uint8Array): void {
    try {
      link.send(data)
    } catch {
      // A link closing right now; its peer syncs again when it reconnects.
    }
  }

  /** Idempotent: stops observing the doc and drops every link; pending signatures are not sent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.options.doc.off('update', this.handleUpdate)
    this.answers?.destroy()
    this.links.clear()
    this.pending = []
    this.log.clear()
  }
}
