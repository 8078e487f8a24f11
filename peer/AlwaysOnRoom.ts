import type { Logger } from 'pino'
import * as Y from 'yjs'
import { ALWAYS_ON_FIELD, ALWAYS_ON_NAME, storedStateOf, type StoredState } from '../src/presence/storedState'
import { userWithColor } from '../src/presence/userIdentity'
import { coalescedRunner } from '../src/network/coalescedRunner'
import { openNodeSession } from '../src/session/nodeSession'
import type { IceServerSource } from '../src/network/iceServers'
import type { DeviceIdentity } from '../src/presence/storedDeviceIdentity'
import type { MoveState } from '../src/removal/RoomMover'
import type { Session } from '../src/session/openSession'
import type { SessionStatus } from '../src/session/sessionStatus'
import type { LocalCopy, OpenLocalCopy } from '../src/storage/localCopy'
import type { PeerRoom } from './roomLinks'

/** The always-on peer's presence: a name that says what it is, a neutral color, no cursor. */
export const ALWAYS_ON_USER = userWithColor(ALWAYS_ON_NAME, '#6e7781')

/** How an awake room is told to go back to sleep (see `PeerRooms`). */
export interface RoomSleep {
  /** Quiet this long (no peer, nobody else's presence, no update) and saved: `onQuiet` runs once. */
  readonly afterMs: number
  readonly onQuiet: () => void
}

export interface AlwaysOnRoomOptions {
  readonly iceServerSource?: IceServerSource
  /** The room's encryption key, derived ahead. */
  readonly encryptionKey?: PromiseLike<CryptoKey | null>
  /** Absent: the room stays awake until destroyed. */
  readonly sleep?: RoomSleep
  /** The peer's device keys: with them a v2 room follows a removal that kept this peer. */
  readonly device?: Promise<DeviceIdentity>
  /** Called once, when the room's move is settled (`moved` or `removed`; see `RoomMover`). */
  readonly onMove?: (move: Exclude<MoveState, { kind: 'none' }>, carry: MoveCarry | null) => void
}

/** What a writer carries into the room its room moved to (see `SessionRemoval.adopt`). */
export interface MoveCarry {
  /** The old copy as it was when the move was settled. */
  readonly update: Uint8Array
  /** The removed devices, to drop from the new room's device map. */
  readonly removed: readonly string[]
}

/**
 * One room an always-on peer keeps: a session like a browser's (the session core, WebRTC from
 * @roamhq/wrtc, the given storage) that publishes in its presence what it has durably written
 * (see `storedState`), so browsers can tell whether their latest edit is kept here.
 * It logs state changes by the room's label, never the secret or the text.
 */
export class AlwaysOnRoom {
  readonly session: Session
  private readonly copy: LocalCopy
  /** `Date.now()` of the last write this room confirmed, or null. */
  lastWriteAt: number | null = null
  private destroyed = false
  private closing: Promise<void> | null = null
  private previous: SessionStatus
  private readonly unsubscribe: () => void
  private quietTimer: NodeJS.Timeout | null = null

  constructor(
    readonly room: PeerRoom,
    storage: OpenLocalCopy,
    private readonly log: Logger,
    private readonly options: AlwaysOnRoomOptions = {},
  ) {
    let copy: LocalCopy | null = null
    const keep: OpenLocalCopy = (topic, doc) => (copy = storage(topic, doc))
    this.session = openNodeSession(room.link, {
      user: ALWAYS_ON_USER,
      storage: keep,
      iceServerSource: options.iceServerSource,
      encryptionKey: options.encryptionKey,
      device: options.device,
    })
    if (copy === null) throw new Error('the session opened no local copy')
    this.copy = copy
    this.previous = this.session.status
    const stopStatus = this.session.onStatus(this.onStatus)
    const stopMove = this.watchMove()
    this.unsubscribe = () => {
      stopStatus()
      stopMove()
    }
    this.session.doc.on('update', this.onUpdate)
    void this.session.whenLocalLoaded.then(this.schedulePublish)
    this.armQuiet()
  }

  /** Tells `onMove` of the room's move once it is settled (a `RoomMover` never changes it after). */
  private watchMove(): () => void {
    const { removal } = this.session
    const onMove = this.options.onMove
    if (removal === null || onMove === undefined) return () => {}
    let told = false
    const check = (): void => {
      const move = removal.move
      if (told || this.destroyed || move.kind === 'none') return
      told = true
      // A writer carries its whole copy across, as a browser does; a reader has nothing to add.
      const carry = move.kind === 'moved' && this.session.access.canEdit
        ? { update: this.session.removal?.carried() ?? Y.encodeStateAsUpdate(this.session.doc), removed: move.record.removed.map(({ device }) => device) }
        : null
      onMove(move, carry)
    }
    const stop = removal.onChange(check)
    check()
    return stop
  }

  /** Resolves once the room has left, its pending writes done. Idempotent. */
  destroy(): Promise<void> {
    if (this.closing === null) {
      this.destroyed = true
      if (this.quietTimer !== null) clearTimeout(this.quietTimer)
      this.quietTimer = null
      this.unsubscribe()
      this.session.doc.off('update', this.onUpdate)
      this.session.destroy()
      this.closing = this.session.closed
    }
    return this.closing
  }

  /**
   * Publishes the state as it is now once it is written. One publication runs at a time; updates
   * meanwhile lead to one more. The summary is taken before waiting, so what is published is
   * never more than what the write covered.
   */
  private readonly schedulePublish = coalescedRunner(() => this.publish(), () => this.destroyed)

  private async publish(): Promise<void> {
    await Promise.resolve() // Let every observer of this update (the copy first) run.
    if (this.destroyed) return
    const stored = storedStateOf(this.session.doc)
    try {
      await this.copy.whenLoaded
      await this.copy.whenSaved()
    } catch {
      return // Not written: the copy's error is logged by the status; the next update retries.
    }
    if (this.destroyed) return
    this.lastWriteAt = Date.now()
    let claim: StoredState
    try {
      claim = await this.session.alwaysOn.claim(stored)
    } catch {
      return // No Ed25519 here: an unsigned claim would not be believed by anyone.
    }
    if (this.destroyed) return
    this.session.awareness.setLocalStateField(ALWAYS_ON_FIELD, claim)
  }

  private readonly onUpdate = (): void => {
    this.schedulePublish()
    this.armQuiet()
  }

  private readonly onStatus = (): void => {
    const peersBefore = this.previous.peers
    this.logStatus()
    if (this.session.status.peers !== peersBefore) this.armQuiet()
  }

  /** (Re)starts the quiet period: an update or a change in the peers connected starts it again. */
  private armQuiet(): void {
    const sleep = this.options.sleep
    if (sleep === undefined || this.destroyed) return
    if (this.quietTimer !== null) clearTimeout(this.quietTimer)
    this.quietTimer = setTimeout(() => void this.checkQuiet(sleep), sleep.afterMs)
    this.quietTimer.unref()
  }

  private isAlone(): boolean {
    return this.session.status.peers === 0 && this.session.awareness.getStates().size <= 1
  }

  /** At the end of a quiet period: sleeps if alone and saved, otherwise waits another period. */
  private async checkQuiet(sleep: RoomSleep): Promise<void> {
    this.quietTimer = null
    if (this.destroyed) return
    if (!this.isAlone()) return this.armQuiet()
    try {
      await this.copy.whenLoaded
      await this.copy.whenSaved()
    } catch {
      return this.armQuiet()
    }
    // A peer or an update that came while the copy was written started a new period.
    if (this.destroyed || this.quietTimer !== null || !this.isAlone()) return
    sleep.onQuiet()
  }

  private logStatus(): void {
    const now = this.session.status
    const before = this.previous
    this.previous = now
    if (now.signaling !== before.signaling) {
      const level = now.signaling === 'unreachable' || now.signaling === 'reconnecting' ? 'warn' : 'info'
      this.log[level]({ room: this.room.label, signaling: now.signaling }, `signaling ${now.signaling}`)
    }
    if (now.peers !== before.peers) this.log.info({ room: this.room.label, peers: now.peers }, 'peers changed')
    if (now.storage === 'error' && before.storage !== 'error') {
      this.log.error({ room: this.room.label, error: now.storageError }, 'cannot write the document')
    } else if (before.storage === 'error' && now.storage !== 'error') {
      this.log.info({ room: this.room.label }, 'writing again')
    }
  }
}
