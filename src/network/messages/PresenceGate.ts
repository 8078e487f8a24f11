import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { applyAwarenessUpdate, type Awareness } from 'y-protocols/awareness'
import { MAX_PRESENCE_CLIENTS_PER_LINK, MAX_PRESENCE_STATE_BYTES } from './linkBudget'

/** The origin of presence and document changes applied from one link (see `MessageLayer`). */
export class LinkOrigin {
  constructor(readonly peerId: string) {}
}

interface Entry {
  readonly clientId: number
  readonly clock: number
  readonly json: string
}

function readEntries(update: Uint8Array): Entry[] | null {
  try {
    const decoder = decoding.createDecoder(update)
    const count = decoding.readVarUint(decoder)
    if (count > MAX_PRESENCE_CLIENTS_PER_LINK) return null
    const entries: Entry[] = []
    for (let i = 0; i < count; i++) {
      entries.push({ clientId: decoding.readVarUint(decoder), clock: decoding.readVarUint(decoder), json: decoding.readVarString(decoder) })
    }
    return entries
  } catch {
    return null
  }
}

function writeEntries(entries: readonly Entry[]): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, entries.length)
  for (const { clientId, clock, json } of entries) {
    encoding.writeVarUint(encoder, clientId)
    encoding.writeVarUint(encoder, clock)
    encoding.writeVarString(encoder, json)
  }
  return encoding.toUint8Array(encoder)
}

export interface PresenceGateOptions {
  readonly awareness: Awareness
  /** This peer's own y-webrtc peer id (null until its room is open). */
  readonly selfPeerId: () => string | null
  /** Whether `peerId` is one of this peer's direct links now. */
  readonly isLink: (peerId: string) => boolean
  /**
   * Whether presence travels through neighbours now (the mesh is not known to be full): a direct
   * link's own updates may then arrive relayed, as it sends them to its tree neighbours only.
   */
  readonly relayed: () => boolean
  /** A state was dropped; `why` says which rule. */
  readonly onDropped: (why: string) => void
}

/**
 * Takes presence (awareness) updates from links, under the rules that keep one member from
 * speaking for another: a client id whose state came from that person's own link (it names the
 * link's peer id) belongs to that link until it closes; nobody speaks for this peer's own client
 * id; a state whose `peerId` names another direct link that spoke for itself is not taken from
 * anyone but that link; one link introduces at most
 * {@link MAX_PRESENCE_CLIENTS_PER_LINK} client ids, each state at most
 * {@link MAX_PRESENCE_STATE_BYTES}. What passes is applied with a {@link LinkOrigin}.
 * It holds no listeners; `release` forgets a link's client ids.
 */
export class PresenceGate {
  /** Client id → the link that introduced it, and whether the state named that link's own peer id. */
  private readonly owner = new Map<number, { readonly link: string; readonly own: boolean }>()
  private readonly counts = new Map<string, number>()

  constructor(private readonly options: PresenceGateOptions) {}

  /** Applies what may be taken of `update` (y-protocols' encoding) from link `from`. */
  receive(from: string, update: Uint8Array): void {
    const entries = readEntries(update)
    if (entries === null) return this.options.onDropped('a malformed presence update')
    const { awareness } = this.options
    const taken: Entry[] = []
    for (const entry of entries) {
      const verdict = this.check(from, entry)
      if (typeof verdict === 'string') {
        this.options.onDropped(verdict)
        continue
      }
      const owner = this.owner.get(entry.clientId)
      if (verdict.bind && owner?.link !== from) {
        if (owner !== undefined) this.forget(entry.clientId)
        this.owner.set(entry.clientId, { link: from, own: verdict.own })
        this.counts.set(from, (this.counts.get(from) ?? 0) + 1)
      }
      taken.push(entry)
    }
    if (taken.length > 0) applyAwarenessUpdate(awareness, writeEntries(taken), new LinkOrigin(from))
  }

  /** Why `entry` from `from` is refused, or whether it names `from` as its own peer id. */
  private check(from: string, { clientId, json }: Entry): string | { own: boolean; bind: boolean } {
    if (clientId === this.options.awareness.clientID) return "a presence state under this peer's own id"
    if (json.length > MAX_PRESENCE_STATE_BYTES) return 'an oversized presence state'
    let own = false
    let statePeerId: unknown
    if (json !== 'null') {
      let state: unknown
      try {
        state = JSON.parse(json)
      } catch {
        return 'a malformed presence state'
      }
      if (typeof state !== 'object' || state === null || Array.isArray(state)) return 'a malformed presence state'
      const peerId = (state as Record<string, unknown>).peerId
      statePeerId = peerId
      if (peerId !== undefined) {
        if (typeof peerId !== 'string' || peerId === this.options.selfPeerId()) return "a presence state claiming this peer's id"
        if (peerId !== from && this.speaksForItself(peerId, clientId)) return "a presence state claiming another link's peer id"
        own = peerId === from
      }
    }
    const owner = this.owner.get(clientId)
    // Relayed past a full mesh, a direct link's state is taken as long as it names that link;
    // the binding stays with the link.
    if (owner?.own === true && owner.link !== from && this.options.relayed() && statePeerId === owner.link) return { own: false, bind: false }
    if (owner !== undefined && owner.link !== from) {
      // A state that came from the person's own link stays theirs; one relayed by a
      // neighbour (a room past a full mesh, whose tree changes) moves to whoever relays it next,
      // and to the person's own link once it speaks for itself.
      const mayTake = !this.options.isLink(owner.link) || !owner.own
      if (!mayTake) return "a presence state under another link's client id"
    }
    if (owner?.link !== from && (this.counts.get(from) ?? 0) >= MAX_PRESENCE_CLIENTS_PER_LINK) return 'more presence states than a link may introduce'
    return { own: owner?.link === from ? owner.own || own : own, bind: true }
  }

  /**
   * Whether direct link `peerId` sent its own presence under another client id than `clientId`.
   * Past a full mesh a person's own presence goes to their tree neighbours only, so a
   * direct link's state may arrive relayed; once it has spoken for itself, nobody else can.
   */
  private speaksForItself(peerId: string, clientId: number): boolean {
    if (!this.options.isLink(peerId)) return false
    for (const [id, owner] of this.owner) if (owner.own && owner.link === peerId && id !== clientId) return true
    return false
  }

  private forget(clientId: number): void {
    const owner = this.owner.get(clientId)
    if (owner === undefined) return
    this.owner.delete(clientId)
    this.counts.set(owner.link, (this.counts.get(owner.link) ?? 1) - 1)
  }

  /** The client ids link `peerId` introduced; they are free again for whoever speaks for them next. */
  release(peerId: string): number[] {
    const released: number[] = []
    this.owner.forEach((owner, clientId) => {
      if (owner.link === peerId) released.push(clientId)
    })
    for (const clientId of released) this.owner.delete(clientId)
    this.counts.delete(peerId)
    return released
  }
}
