import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { commentVerifyKey } from '../network/signed/commentVerifyKey'
import type { DeviceIdentity } from '../presence/storedDeviceIdentity'
import type { RoomSigning } from '../room/roomSigning'
import type { DeviceHere, DevicePresence, DeviceRole } from './devicePresence'
import { forgetDevices } from './deviceRegistry'
import { DeviceRoster, type RosterPerson } from './DeviceRoster'
import { buildMoveRecord } from './buildMoveRecord'
import { CarriedCopy } from './carriedCopy'
import { MOVES_ARRAY } from './moveRecord'
import { RoomMover, type FollowedMoves, type MoveState } from './RoomMover'

/** Removing people from a v2 room, and following a removal someone else made (see `RoomMover`). */
export interface SessionRemoval {
  /** Whether this page may remove people: an edit link. */
  readonly canRemove: boolean
  /** Everyone seen in the room (see `DeviceRoster.people`). */
  people(): RosterPerson[]
  readonly move: MoveState
  /** Whether a record has been seen and the room is about to move. */
  readonly moving: boolean
  /** Calls `listener` when the people or the move change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void
  /**
   * Moves the room without every device not in `keep` (signing keys; this device is always kept):
   * a new room, and the record that sends each kept device its link. Resolves once the record is
   * in the document (and on its way to every peer); the move itself follows through `move`.
   */
  remove(keep: readonly string[]): Promise<{ readonly removed: readonly string[] }>
  /**
   * Puts a moved document's old copy (`Y.encodeStateAsUpdate` of it) into this room, so that
   * nothing typed before the move is lost, and drops the removed devices from the device map.
   * A writer's call; a reader's page has nothing to add.
   */
  adopt(update: Uint8Array, removedDevices: readonly string[]): void
  /** Whether `adopt` has brought a moved copy into this room. */
  readonly adopted: boolean
  /** What this page carries into the room it moves to (see `CarriedCopy`): a writer's `adopt` there takes it. */
  carried(): Uint8Array
  /** The stored copy is in the document: from now on only this page's own edits are added to what it carries. */
  markLoaded(): void
  /** This device's signed presence field, once made (the session puts it back after a page restore). */
  presenceField(): DevicePresence | DeviceHere | null
  destroy(): void
}

export interface SessionRemovalOptions {
  readonly topic: string
  readonly canEdit: boolean
  readonly signing: RoomSigning
  /** The document shown; a writer's is also the one written. */
  readonly doc: Y.Doc
  readonly awareness: Awareness
  readonly identity: Promise<DeviceIdentity>
  readonly isAlwaysOn: (clientId: number) => boolean
  readonly onAlwaysOnChange: (listener: () => void) => () => void
  /** Called after `adopt`: stamps this room's own keys over the ones the old copy brought. */
  readonly afterAdopt: () => void
  readonly followed?: FollowedMoves
}

export function sessionRemoval(options: SessionRemovalOptions): SessionRemoval {
  const { signing, doc, awareness, topic } = options
  const role: DeviceRole = options.canEdit ? 'edit' : signing.commentSigning !== null ? 'comment' : 'read'
  const commentKey = commentVerifyKey(doc, signing.commentSigning)
  const roster = new DeviceRoster({
    topic,
    awareness,
    doc,
    canWrite: options.canEdit,
    identity: options.identity,
    role,
    roleKey: role === 'edit' ? signing.signingKey : role === 'comment' ? (signing.commentSigning?.privateKey ?? null) : null,
    roleKeys: async () => ({ edit: await signing.verifyKey, comment: await commentKey() }),
    isAlwaysOn: options.isAlwaysOn,
  })
  const mover = new RoomMover({ doc, topic, verifyKey: signing.verifyKey, identity: options.identity, followed: options.followed })
  // A writer carries its stored copy and its own edits into the room it moves to (see `CarriedCopy`).
  const carry = new CarriedCopy(doc)
  const listeners = new Set<() => void>()
  const emit = (): void => {
    for (const listener of listeners) listener()
  }
  const stops = [roster.onChange(emit), mover.onChange(emit), options.onAlwaysOnChange(() => roster.refresh())]
  let destroyed = false
  let adopted = false

  return {
    canRemove: options.canEdit,
    people: () => roster.people(),
    get move() {
      return mover.state
    },
    get adopted() {
      return adopted
    },
    get moving() {
      return mover.pending
    },
    onChange(listener) {
      if (destroyed) return () => {}
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    async remove(keep) {
      if (!options.canEdit || signing.signingKey === null) throw new Error('only the edit link can remove people')
      if (mover.pending) throw new Error('this document is already moving to a new link')
      const self = roster.self
      if (self === null) throw new Error('this browser has no device key, so it cannot move the document')
      const kept = new Set(keep)
      const people = roster.people()
      const byName = people.find((person) => person.self)?.name ?? 'Someone'
      const keepPeople = people.filter((person) => person.self || kept.has(person.sign))
      const removed = people.filter((person) => !person.self && !kept.has(person.sign)).map(({ sign, name }) => ({ device: sign, name }))
      const { record } = await buildMoveRecord({
        from: topic,
        signingKey: await signing.signingKey,
        by: { device: self.sign, name: byName },
        keep: keepPeople,
        removed,
      })
      if (destroyed) throw new Error('the document was closed before the removal was made')
      // The remover's whole copy is what the new room starts from.
      carry.takeAll()
      doc.getArray(MOVES_ARRAY).push([record])
      return { removed: removed.map(({ name }) => name) }
    },
    adopt(update, removedDevices) {
      if (!options.canEdit || destroyed) return
      Y.applyUpdate(doc, update)
      forgetDevices(doc, removedDevices)
      options.afterAdopt()
      adopted = true
    },
    presenceField: () => roster.presenceField,
    carried: () => carry.carried(),
    markLoaded: () => carry.markLoaded(),
    destroy() {
      if (destroyed) return
      destroyed = true
      for (const stop of stops) stop()
      carry.destroy()
      listeners.clear()
      mover.destroy()
      roster.destroy()
    },
  }
}
