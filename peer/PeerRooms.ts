import type { Logger } from 'pino'
import { deriveRoomEncryptionKey } from '../src/network/roomEncryptionKey'
import { accessPassword, parseRoomAccess } from '../src/room/roomAccess'
import type { DeviceIdentity } from '../src/presence/storedDeviceIdentity'
import type { MoveState } from '../src/removal/RoomMover'
import type { OpenLocalCopy } from '../src/storage/localCopy'
import type { AlwaysOnRoom, MoveCarry } from './AlwaysOnRoom'
import { keptRoomHealth, type KeptRoom, type RoomHealth } from './KeptRoom'
import { fetchIceServersOf, IceSourcesByOrigin, type IceServersFor } from './IceSourcesByOrigin'
import type { MovedRooms } from './MovedRooms'
import { movedRoom, type PeerRoom } from './roomLinks'
import { SignalingWatch } from './SignalingWatch'
import { WAKE_LIMITS, WakeQueue, type WakeLimits } from './WakeQueue'

/** A room that was left alone this long, its copy written, goes back to sleep. */
export const SLEEP_AFTER_MS = 60_000

export interface PeerRoomsOptions {
  readonly iceServersFor?: IceServersFor
  /** Default {@link SLEEP_AFTER_MS}. */
  readonly sleepAfterMs?: number
  /** Default {@link WAKE_LIMITS}. */
  readonly wakeLimits?: WakeLimits
  /** The peer's device keys (see `readOrCreateDeviceIdentity`): without them no removal is followed. */
  readonly device?: Promise<DeviceIdentity>
  /** Where the rooms that kept rooms moved to are kept; absent: they are kept until the peer stops. */
  readonly moves?: MovedRooms
}

let sessionStack: Promise<typeof import('./AlwaysOnRoom')> | null = null
/**
 * The session stack (WebRTC, y-webrtc, the session core), loaded once: at the first wake, or as
 * soon as every signaling watch is subscribed, so that sleeping rooms do not wait for it to start.
 */
function loadSessionStack(): Promise<typeof import('./AlwaysOnRoom')> {
  return (sessionStack ??= import('./AlwaysOnRoom'))
}

/**
 * The rooms an always-on peer keeps, by topic. A room sleeps (its topic subscribed on one shared
 * {@link SignalingWatch} per signaling server, nothing else in memory, its document in storage)
 * until someone else is in it, then wakes into a full session (an {@link AlwaysOnRoom}), and goes
 * back to sleep after {@link SLEEP_AFTER_MS} alone with its copy written. Wakes are bounded (see
 * {@link WAKE_LIMITS}). It is responsible for joining and leaving rooms as the list changes (a
 * SIGHUP re-reads the rooms file), for leaving them all on shutdown, and for the ICE servers of
 * each origin its rooms come from (asked once per origin when its first room is kept, and renewed).
 */
export class PeerRooms {
  private readonly rooms = new Map<string, KeptRoom>()
  private readonly iceSources: IceSourcesByOrigin
  private readonly watches = new Map<string, SignalingWatch>()
  private readonly queue: WakeQueue
  private readonly sleepAfterMs: number
  private awakeCount = 0
  private latestWrite: number | null = null
  private closing: Promise<void> | null = null

  constructor(
    private readonly storage: OpenLocalCopy,
    private readonly log: Logger,
    private readonly options: PeerRoomsOptions = {},
  ) {
    this.iceSources = new IceSourcesByOrigin(options.iceServersFor === undefined ? fetchIceServersOf : options.iceServersFor)
    this.sleepAfterMs = options.sleepAfterMs ?? SLEEP_AFTER_MS
    this.queue = new WakeQueue(options.wakeLimits ?? WAKE_LIMITS, () => this.awakeCount, (topic) => this.wake(topic))
  }

  private watchOf(url: string): SignalingWatch {
    let watch = this.watches.get(url)
    if (watch === undefined) {
      watch = new SignalingWatch(
        url,
        (topic) => this.queue.request(topic),
        () => {
          if ([...this.watches.values()].every((each) => each.state === 'connected')) void loadSessionStack()
        },
      )
      this.watches.set(url, watch)
    }
    return watch
  }

  /**
   * Keeps the rooms of `wanted` not yet kept (asleep), and the rooms they moved to (see
   * `MovedRooms.following`), and leaves those no longer listed.
   */
  async apply(listed: readonly PeerRoom[]): Promise<{ joined: number; left: number }> {
    if (this.closing !== null) return { joined: 0, left: 0 }
    const wanted = [...listed, ...(this.options.moves?.following(listed) ?? [])]
    const topics = new Set(wanted.map((room) => room.topic))
    const leaving = [...this.rooms.entries()].filter(([topic]) => !topics.has(topic))
    const sessions: Promise<void>[] = []
    for (const [topic, kept] of leaving) {
      this.rooms.delete(topic)
      this.queue.cancel(topic)
      for (const url of kept.room.link.signaling) this.watches.get(url)?.unwatch([topic])
      if (kept.awake !== null) sessions.push(this.release(kept))
      this.log.info({ room: kept.room.label }, 'leaving room')
    }
    const joining = wanted.filter((room) => !this.rooms.has(room.topic))
    this.keep(joining)
    if (joining.length > 0) this.log.info({ rooms: joining.length }, 'keeping rooms (asleep until someone comes)')
    await Promise.all(sessions)
    return { joined: joining.length, left: leaving.length }
  }

  /** Keeps `rooms` (none of them kept yet), asleep: their topics watched. */
  private keep(rooms: readonly PeerRoom[]): void {
    const byUrl = new Map<string, string[]>()
    for (const room of rooms) {
      this.rooms.set(room.topic, { room, awake: null, waking: false, leaving: Promise.resolve(), lastWriteAt: null, adopt: null, leftBehind: false })
      this.iceSources.of(room.link.origin)
      for (const url of room.link.signaling) {
        const topicsOfUrl = byUrl.get(url)
        if (topicsOfUrl === undefined) byUrl.set(url, [room.topic])
        else topicsOfUrl.push(room.topic)
      }
    }
    for (const [url, joined] of byUrl) this.watchOf(url).watch(joined, true)
    this.dropUnusedWatches()
  }

  /**
   * A kept room moved. Sealed the new link (`moved`): the new room is kept too, recorded in
   * {@link MovedRooms}, and woken now; with the edit link, the old copy is put into it, as a
   * browser's `Workspace` does, so nothing the peer held is lost. The old room stays kept: its
   * document holds the record that moves the kept people who were offline. Not sealed it
   * (`removed`): the old room is served as it is; nothing new reaches it.
   */
  private followMove(from: KeptRoom, move: Exclude<MoveState, { kind: 'none' }>, carry: MoveCarry | null): void {
    if (this.closing !== null || this.rooms.get(from.room.topic) !== from) return
    if (move.kind === 'removed') {
      if (!from.leftBehind) this.log.warn({ room: from.room.label }, 'the room moved to a new link without this peer; serving the old room as it is')
      from.leftBehind = true
      return
    }
    if (this.rooms.has(move.topic)) return
    const room = movedRoom(from.room, move.link)
    this.keep([room])
    const kept = this.rooms.get(room.topic)
    if (kept !== undefined) kept.adopt = carry
    this.log.info({ room: from.room.label, to: room.label }, 'the room moved to a new link; keeping both')
    void this.options.moves?.add(from.room.topic, room).catch((error: unknown) => {
      this.log.error({ room: room.label, error: error instanceof Error ? error.message : String(error) }, 'cannot record the moved room; it is kept until the peer stops')
    })
    this.queue.request(room.topic)
  }

  private dropUnusedWatches(): void {
    const used = new Set<string>()
    for (const { room } of this.rooms.values()) for (const url of room.link.signaling) used.add(url)
    for (const [url, watch] of this.watches) {
      if (used.has(url)) continue
      watch.destroy()
      this.watches.delete(url)
    }
  }

  /** Opens the session of a sleeping room (a {@link WakeQueue} wake: key, session, stored document). */
  private async wake(topic: string): Promise<void> {
    const kept = this.rooms.get(topic)
    if (kept === undefined || kept.awake !== null || kept.waking || this.closing !== null) return
    kept.waking = true
    this.awakeCount++
    try {
      await kept.leaving
      const { link, label } = kept.room
      const [key, { AlwaysOnRoom }] = await Promise.all([deriveRoomEncryptionKey(accessPassword(parseRoomAccess(link.secret)), topic), loadSessionStack()])
      if (this.rooms.get(topic) !== kept || this.closing !== null) {
        this.awakeCount--
        return
      }
      const session = new AlwaysOnRoom(kept.room, this.storage, this.log, {
        iceServerSource: this.iceSources.of(link.origin),
        encryptionKey: Promise.resolve(key),
        sleep: { afterMs: this.sleepAfterMs, onQuiet: () => this.sleep(topic, session) },
        device: this.options.device,
        onMove: (move, carry) => this.followMove(kept, move, carry),
      })
      kept.awake = session
      for (const url of link.signaling) this.watches.get(url)?.unwatch([topic])
      this.log.info({ room: label }, 'room awake')
      await session.session.whenLocalLoaded
      if (kept.adopt !== null && kept.awake === session) {
        session.session.removal?.adopt(kept.adopt.update, kept.adopt.removed)
        kept.adopt = null
      }
    } catch (error) {
      if (kept.awake === null) this.awakeCount--
      this.log.error({ room: kept.room.label, error: error instanceof Error ? error.message : String(error) }, 'cannot wake room')
    } finally {
      kept.waking = false
    }
  }

  /** Puts an awake room back to sleep: its topic watched again first, so no arrival is missed. */
  private sleep(topic: string, session: AlwaysOnRoom): void {
    const kept = this.rooms.get(topic)
    if (kept === undefined || kept.awake !== session || this.closing !== null) return
    for (const url of kept.room.link.signaling) this.watchOf(url).watch([topic], false)
    this.log.info({ room: kept.room.label }, 'room asleep')
    void this.release(kept).then(() => this.queue.pump())
  }

  /** Closes an awake room's session, keeping what it wrote; resolves once it has left. */
  private release(kept: KeptRoom): Promise<void> {
    const session = kept.awake
    if (session === null) return kept.leaving
    kept.awake = null
    this.awakeCount--
    this.noteWrite(kept, session.lastWriteAt)
    kept.leaving = session.destroy().then(() => this.noteWrite(kept, session.lastWriteAt))
    return kept.leaving
  }

  private noteWrite(kept: KeptRoom, at: number | null): void {
    if (at === null) return
    if (kept.lastWriteAt === null || at > kept.lastWriteAt) kept.lastWriteAt = at
    if (this.latestWrite === null || at > this.latestWrite) this.latestWrite = at
  }

  get size(): number {
    return this.rooms.size
  }

  /** Rooms with an open session (waking ones included). */
  get awake(): number {
    return this.awakeCount
  }

  /** Rooms waiting to wake (past the bounds). */
  get waitingToWake(): number {
    return this.queue.size
  }

  /** WebRTC peers connected, summed over rooms. */
  connectedPeers(): number {
    let peers = 0
    for (const { awake } of this.rooms.values()) peers += awake?.session.status.peers ?? 0
    return peers
  }

  /** The latest confirmed write over every room (`Date.now()`), or null. */
  lastWriteAt(): number | null {
    let latest = this.latestWrite
    for (const { awake } of this.rooms.values()) {
      const at = awake?.lastWriteAt ?? null
      if (at !== null && (latest === null || at > latest)) latest = at
    }
    return latest
  }

  health(): RoomHealth[] {
    return [...this.rooms.values()].map((kept) => keptRoomHealth(kept, (url) => this.watches.get(url)?.state))
  }

  /** The session of `topic`'s room while awake (for tests and benchmarks). */
  get(topic: string): AlwaysOnRoom | undefined {
    return this.rooms.get(topic)?.awake ?? undefined
  }

  /** Idempotent. Leaves every room; resolves once each awake one, and the moved rooms, have written what was pending. */
  close(): Promise<void> {
    if (this.closing === null) {
      const kept = [...this.rooms.values()]
      this.rooms.clear()
      this.queue.destroy()
      for (const watch of this.watches.values()) watch.destroy()
      this.watches.clear()
      const written = this.options.moves?.written() ?? Promise.resolve()
      this.closing = Promise.all([...kept.map((room) => this.release(room)), written]).then(() => undefined)
      this.iceSources.destroy()
    }
    return this.closing
  }
}
