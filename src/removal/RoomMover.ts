import type * as Y from 'yjs'
import { fromBase64Url, toBase64Url } from '../room/base64Url'
import { accessTopic, parseRoomAccess } from '../room/roomAccess'
import type { DeviceIdentity } from '../presence/storedDeviceIdentity'
import { MOVE_LIMITS, MOVES_ARRAY, moveRecordId, parseMoveRecord, roomCommitment, sealContext, verifyMoveRecord, type MoveRecord } from './moveRecord'

/** How long after the first record is seen the room waits for concurrent ones before it moves. */
export const SETTLE_MS = 1500

/**
 * Where a removal left this page.
 * - `none`: no record in this room.
 * - `moved`: a writer moved the room and sealed its new link to this device.
 * - `removed`: the room moved without this device (it was removed, or never opened the room
 *   before the move, so it could not be sealed to).
 */
export type MoveState =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'moved'
      readonly link: string
      readonly topic: string
      readonly by: string
      readonly removed: readonly string[]
      readonly record: MoveRecord
      /** This device's own record, when another one made at the same time won (its removal is to be made again). */
      readonly lost: MoveRecord | null
    }
  | { readonly kind: 'removed'; readonly by: string; readonly removed: readonly string[]; readonly record: MoveRecord }

/** Which record this device followed out of each room it left, so reopening the old link follows the same one. */
export interface FollowedMoves {
  get(topic: string): string | null
  set(topic: string, recordId: string): void
}

export interface RoomMoverOptions {
  /** The document whose move records are read (a reader's shown copy is fine: records arrive verified). */
  readonly doc: Y.Doc
  readonly topic: string
  /** The old room's edit key that signs records. */
  readonly verifyKey: Promise<CryptoKey>
  readonly identity: Promise<DeviceIdentity>
  readonly settleMs?: number
  /** Where the record followed out of this room is remembered; without it every opening settles anew. */
  readonly followed?: FollowedMoves
}

/**
 * Follows a v2 room's move records: once one verifies, it waits {@link SETTLE_MS} for concurrent
 * ones, picks the winner (the valid record with the smallest id: the same on every peer that holds
 * the same records), and opens the new link sealed to this device. A record that is malformed,
 * not signed with the room's edit key, made for another room, or whose box for this device does
 * not open to a link of the room it names is ignored and counted. Its outcome never changes once
 * reached: a page that moved follows no later record.
 *
 * It is responsible for its observer and timer and removes them in `destroy()`.
 */
export class RoomMover {
  private current: MoveState = { kind: 'none' }
  private readonly verdicts = new Map<string, Promise<boolean>>()
  private readonly listeners = new Set<() => void>()
  private timer: ReturnType<typeof setTimeout> | null = null
  private settling = false
  private destroyed = false
  /** Records ignored: malformed, unsigned, for another room, past the limit, or with a box that does not open. */
  ignored = 0

  constructor(private readonly options: RoomMoverOptions) {
    options.doc.getArray(MOVES_ARRAY).observe(this.handleChange)
    this.handleChange()
  }

  get state(): MoveState {
    return this.current
  }

  /** Whether a record has been seen and the room is about to move (or has moved). */
  get pending(): boolean {
    return this.settling || this.current.kind !== 'none'
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private readonly handleChange = (): void => {
    if (this.destroyed || this.current.kind !== 'none' || this.timer !== null) return
    void this.validRecords().then((records) => {
      if (this.destroyed || records.length === 0 || this.timer !== null || this.current.kind !== 'none') return
      this.settling = true
      for (const listener of this.listeners) listener()
      // A record this device followed before is followed again at once, whatever came later.
      const followed = this.options.followed?.get(this.options.topic)
      const known = followed != null && records.some(({ id }) => id === followed)
      this.timer = setTimeout(
        () => {
          this.timer = null
          void this.settle()
        },
        known ? 0 : (this.options.settleMs ?? SETTLE_MS),
      )
    })
  }

  private async validRecords(): Promise<{ record: MoveRecord; id: string }[]> {
    const { doc, topic } = this.options
    const values = doc.getArray(MOVES_ARRAY).toArray()
    const found: { record: MoveRecord; id: string }[] = []
    let considered = 0
    let ignored = 0
    for (const [index, value] of values.entries()) {
      if (index >= MOVE_LIMITS.scanned) {
        ignored += values.length - index
        break
      }
      const record = parseMoveRecord(value)
      // Records of other rooms (moved along with the document's history) are history here, not requests.
      if (record !== null && record.from !== topic) continue
      if (record === null || considered >= MOVE_LIMITS.records) {
        ignored++
        continue
      }
      considered++
      const id = moveRecordId(record)
      let verdict = this.verdicts.get(id)
      if (verdict === undefined) {
        verdict = this.options.verifyKey.then((key) => verifyMoveRecord(key, record)).catch(() => false)
        this.verdicts.set(id, verdict)
      }
      if (await verdict) found.push({ record, id })
      else ignored++
    }
    this.ignored = ignored
    return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  }

  private async settle(): Promise<void> {
    const records = await this.validRecords()
    const identity = await this.options.identity.catch(() => null)
    if (this.destroyed || records.length === 0) return
    let outcome: MoveState | null = null
    const followed = this.options.followed?.get(this.options.topic)
    const first = records.findIndex(({ id }) => id === followed)
    if (first > 0) records.unshift(...records.splice(first, 1))
    for (const { record, id } of records) {
      const mine = identity === null ? undefined : record.sealed.find(({ device }) => device === toDevice(identity))
      const by = record.by.name
      const removed = record.removed.map(({ name }) => name)
      if (mine === undefined) {
        outcome ??= { kind: 'removed', by, removed, record }
        break
      }
      const link = identity === null ? null : await openLink(identity, record, mine.box)
      if (link === null) {
        this.ignored++
        continue
      }
      const own = identity === null ? undefined : records.find((each) => each.record !== record && each.record.by.device === toDevice(identity))
      outcome = { kind: 'moved', link, topic: accessTopic(parseRoomAccess(link)), by, removed, record, lost: own?.record ?? null }
      this.options.followed?.set(this.options.topic, id)
      break
    }
    if (this.destroyed) return
    this.settling = false
    if (outcome === null) {
      for (const listener of this.listeners) listener()
      return
    }
    this.current = outcome
    for (const listener of this.listeners) listener()
  }

  /** Idempotent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.options.doc.getArray(MOVES_ARRAY).unobserve(this.handleChange)
    if (this.timer !== null) clearTimeout(this.timer)
    this.listeners.clear()
  }
}

function toDevice(identity: DeviceIdentity): string {
  return toBase64Url(identity.signing.publicKey)
}

/** The link sealed to this device in `record`, if it opens and names the room the record says; else null. */
async function openLink(identity: DeviceIdentity, record: MoveRecord, box: string): Promise<string | null> {
  const bytes = fromBase64Url(box)
  if (bytes === null) return null
  const plain = await identity.sealing.open(bytes, sealContext(record.from, record.to, toDevice(identity)))
  if (plain === null) return null
  let link: unknown
  try {
    link = (JSON.parse(new TextDecoder().decode(plain)) as { link?: unknown }).link
  } catch {
    return null
  }
  if (typeof link !== 'string' || link.length > 200) return null
  const access = parseRoomAccess(link, { v2Only: true })
  return access !== null && roomCommitment(accessTopic(access)) === record.to ? link : null
}
