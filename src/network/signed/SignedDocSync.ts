import * as Y from 'yjs'
import { decodeSignedSync, encodeSignedSync, isSignedSyncMessage, signUpdate, verifyUpdate } from './signedSyncMessage'

/** A reader asks a writer for a signed snapshot once its log holds this many updates. */
export const LOG_COMPACT_ENTRIES = 512

export interface SignedDocSyncOptions {
  /** The document that verified updates go into (for a reader: the copy nobody else writes). */
  readonly doc: Y.Doc
  readonly topic: string
  /** Checks every update a peer sends. */
  readonly verifyKey: Promise<CryptoKey>
  /** Signs this peer's own updates; null for a reader, which sends none of its own. */
  readonly signingKey: Promise<CryptoKey> | null
  /** Whether a verified update received on link `from` is forwarded on link `to` (see `RoomGossip`). */
  readonly relayTo: (from: string, to: string) => boolean
  /** The ignored count or a link's sync state changed. */
  readonly onChange: () => void
  /** This peer's own updates queued so far are sent (or failed to sign): see `signingOwn`. */
  readonly onOwnSent?: () => void
  readonly warn?: (message: string) => void
}

interface Link {
  readonly send: (data: Uint8Array) => void
  /** Messages from this link are handled in order; verification runs ahead, applying does not. */
  chain: Promise<void>
  synced: boolean; canEdit: boolean
}

/**
 * The document sync of a v2 room (see `signedSyncMessage` for the wire protocol). It is
 * responsible for: signing this peer's own updates when it holds the edit key (all updates of a
 * task in one signature, in order); checking every update a peer sends before applying it, and
 * counting what fails (`ignored`); forwarding verified updates verbatim, signature included, so
 * a reader relays what it cannot sign; answering a newcomer's state vector — a writer with one
 * freshly signed diff, a reader with the signed updates it holds (its log). It knows links only
 * as ids with a `send`; the transports (data channels, tabs) feed `receive`. It does not own the
 * doc. NOTE: a reader serves only what it holds signed: updates it received in this session (compacted
 * onto a writer's signed snapshot), not what its local copy loaded, which carries no signatures.
 */
export class SignedDocSync {
  private readonly links = new Map<string, Link>()
  private pending: Uint8Array[] = []
  private flushQueued = false
  private flushing = false
  /** Signing and sending this peer's own messages, in order. */
  private sendChain: Promise<void> = Promise.resolve()
  /** A reader's verified update messages, which it serves to newcomers. */
  private log: Uint8Array[] = []
  private snapshotFrom: string | null = null
  private applied = false
  private ignoredCount = 0
  private destroyed = false

  constructor(private readonly options: SignedDocSyncOptions) {
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

  /** Signed updates a reader holds to serve (0 for a writer). */
  get logSize(): number {
    return this.log.length
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

  /** Registers a link; `hello` starts the exchange once it can carry messages. */
  addLink(id: string, send: (data: Uint8Array) => void): void {
    if (this.destroyed) return
    // NOTE: a newer connection to a peer (glare) replaces the older one, which may close later.
    this.links.set(id, { send, chain: Promise.resolve(), synced: false, canEdit: false })
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
    this.options.onChange()
  }

  /** Whether the peer on `id` sent everything it had for this copy's state vector. */
  isSynced(id: string): boolean {
    return this.links.get(id)?.synced === true
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
        if (this.canEdit) this.sendSigned(link, () => Y.encodeStateAsUpdate(this.options.doc))
        break
      case 'done':
        link.chain = link.chain.then(() => {
          link.synced = true
          this.options.onChange()
        })
        break
      case 'update': {
        const verified = this.options.verifyKey.then((key) => verifyUpdate(key, this.options.topic, message))
        const copy = data.slice()
        link.chain = link.chain.then(async () => {
          const ok = await verified.catch(() => false)
          if (this.destroyed) return
          if (!ok) this.ignore('an update without a valid signature')
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
      // NOTE: signed by a writer, yet unreadable: a bug, not an attack; nothing was applied.
      this.ignore('an unreadable signed update')
      return
    }
    const changed = this.applied || doc.store.pendingStructs !== pendingStructs || doc.store.pendingDs !== pendingDs
    // NOTE: the snapshot a reader asked for changes nothing here, yet it is what the log compacts onto.
    if (!this.canEdit && (changed || this.snapshotFrom === from)) {
      this.log.push(data)
      if (this.snapshotFrom === from) this.compactOnto(data)
      else if (this.snapshotFrom === null && this.log.length > LOG_COMPACT_ENTRIES) this.requestSnapshot()
    }
    if (!changed) return
    for (const [id, link] of this.links) if (id !== from && this.options.relayTo(from, id)) this.trySend(link, data)
  }

  private answerState(link: Link, stateVector: Uint8Array): void {
    if (this.canEdit) {
      this.sendSigned(link, () => Y.encodeStateAsUpdate(this.options.doc, stateVector))
      this.enqueue(() => this.trySend(link, encodeSignedSync({ kind: 'done' })))
      return
    }
    for (const data of this.log) this.trySend(link, data)
    this.trySend(link, encodeSignedSync({ kind: 'done' }))
  }

  /** Signs what `update()` gives when its turn comes, and sends it on `link` (nothing if empty). */
  private sendSigned(link: Link, update: () => Uint8Array): void {
    const key = this.options.signingKey
    if (key === null) return
    this.enqueue(async () => {
      let bytes: Uint8Array
      try {
        bytes = update()
      } catch {
        this.options.warn?.('[meshpad] ignored a malformed state vector from a peer')
        return
      }
      if (bytes.length <= 2) return
      const message = await signUpdate(await key, this.options.topic, bytes)
      if (!this.destroyed) this.trySend(link, message)
    })
  }

  private readonly handleUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === this) {
      this.applied = true
      return
    }
    // NOTE: a reader signs nothing: its doc holds only verified updates and what its local copy loaded.
    if (this.options.signingKey === null || this.destroyed) return
    this.pending.push(update)
    if (this.flushQueued) return
    this.flushQueued = true
    this.enqueue(this.flushLocal)
  }

  /** Runs `step` after every earlier send step; a failure (no Ed25519 here) is reported, not fatal. */
  private enqueue(step: () => void | Promise<void>): void {
    this.sendChain = this.sendChain.then(step).catch((error: unknown) => {
      this.options.warn?.(`[meshpad] could not sign an update: ${String(error)}`)
    })
  }

  /** Signs every own update queued so far as one, and sends it to every link. */
  private readonly flushLocal = async (): Promise<void> => {
    this.flushQueued = false
    this.flushing = true
    try {
      const updates = this.pending
      this.pending = []
      if (updates.length === 0 || this.options.signingKey === null) return
      const update = updates.length === 1 ? (updates[0] as Uint8Array) : Y.mergeUpdates(updates)
      const message = await signUpdate(await this.options.signingKey, this.options.topic, update)
      if (this.destroyed) return
      for (const link of this.links.values()) this.trySend(link, message)
    } finally {
      this.flushing = false
      if (!this.flushQueued && !this.destroyed) this.options.onOwnSent?.()
    }
  }

  private requestSnapshot(): void {
    for (const [id, link] of this.links) {
      if (!link.canEdit) continue
      this.snapshotFrom = id
      this.trySend(link, encodeSignedSync({ kind: 'snapshot' }))
      return
    }
  }

  /**
   * Drops from the log every update that `base` (a verified update) already covers: applied after
   * it to a scratch document, it changes nothing. The writer's snapshot answer compacts the log to
   * about one entry; live updates arriving meanwhile are kept as they are.
   */
  private compactOnto(base: Uint8Array): void {
    const scratch = new Y.Doc()
    const updateOf = (data: Uint8Array): Uint8Array => (decodeSignedSync(data) as { update: Uint8Array }).update
    /** Whether applying `data` to the scratch document changes it (or leaves something pending). */
    const adds = (data: Uint8Array): boolean => {
      let changed = false
      const onUpdate = (): void => void (changed = true)
      scratch.on('update', onUpdate)
      Y.applyUpdate(scratch, updateOf(data))
      scratch.off('update', onUpdate)
      return changed || scratch.store.pendingStructs !== null || scratch.store.pendingDs !== null
    }
    adds(base)
    const kept = [base]
    for (const data of this.log) if (data !== base && adds(data)) kept.push(data)
    scratch.destroy()
    this.log = kept
    if (this.log.length <= LOG_COMPACT_ENTRIES / 2) this.snapshotFrom = null
  }

  private trySend(link: Link, data: Uint8Array): void {
    try {
      link.send(data)
    } catch {
      // NOTE: a link closing right now; its peer syncs again when it reconnects.
    }
  }

  /** Idempotent: stops observing the doc and drops every link; pending signatures are not sent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.options.doc.off('update', this.handleUpdate)
    this.links.clear()
    this.pending = []
    this.log = []
  }
}
