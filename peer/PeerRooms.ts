import type { Logger } from 'pino'
import { fetchIceServers, ICE_SERVERS_PATH, type IceServerSource } from '../src/network/iceServers'
import { deriveRoomEncryptionKey } from '../src/network/roomEncryptionKey'
import { accessPassword, parseRoomAccess } from '../src/room/roomAccess'
import type { SignalingState } from '../src/network/signalingState'
import type { OpenLocalCopy } from '../src/storage/localCopy'
import type { AlwaysOnRoom } from './AlwaysOnRoom'
import type { PeerRoom } from './roomLinks'
import { SignalingWatch } from './SignalingWatch'
import { WAKE_LIMITS, WakeQueue, type WakeLimits } from './WakeQueue'

/** What `/healthz` says of one room. */
export interface RoomHealth {
  readonly room: string
  readonly signaling: string
  readonly peers: number
  readonly storage: string
  readonly storageError: string | null
  /** Whether it has an open session now (waking included); a sleeping room's storage reads `asleep`. */
  readonly awake: boolean
}

/** Where a peer asks for the ICE servers of a link's origin; `null`: none (tests without a server). */
export type IceServersFor = ((origin: string) => IceServerSource) | null

/** Asks the Meshpad server at `origin` for its ICE servers, as a page served from it does. */
export const fetchIceServersOf: IceServersFor = (origin) => fetchIceServers({ url: new URL(ICE_SERVERS_PATH, origin).href })

/** A room that was left alone this long, its copy written, goes back to sleep. */
export const SLEEP_AFTER_MS = 60_000

export interface PeerRoomsOptions {
  readonly iceServersFor?: IceServersFor
  /** Default {@link SLEEP_AFTER_MS}. */
  readonly sleepAfterMs?: number
  /** Default {@link WAKE_LIMITS}. */
  readonly wakeLimits?: WakeLimits
}

interface Kept {
  readonly room: PeerRoom
  /** Its session while awake (or waking), else null. */
  awake: AlwaysOnRoom | null
  /** Set from the moment a wake starts until it has a session or gave up. */
  waking: boolean
  /** The previous session's leaving, which a wake waits for (one provider and one copy per room). */
  leaving: Promise<void>
  lastWriteAt: number | null
}

const STATE_RANK: readonly SignalingState[] = ['connected', 'reconnecting', 'connecting', 'unreachable']

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
  private readonly rooms = new Map<string, Kept>()
  private readonly iceSources = new Map<string, IceServerSource>()
  private readonly watches = new Map<string, SignalingWatch>()
  private readonly queue: WakeQueue
  private readonly iceServersFor: IceServersFor
  private readonly sleepAfterMs: number
  private awakeCount = 0
  private latestWrite: number | null = null
  private closing: Promise<void> | null = null

  constructor(
    private readonly storage: OpenLocalCopy,
    private readonly log: Logger,
    options: PeerRoomsOptions = {},
  ) {
    this.iceServersFor = options.iceServersFor === undefined ? fetchIceServersOf : options.iceServersFor
    this.sleepAfterMs = options.sleepAfterMs ?? SLEEP_AFTER_MS
    this.queue = new WakeQueue(options.wakeLimits ?? WAKE_LIMITS, () => this.awakeCount, (topic) => this.wake(topic))
  }

  private iceSourceOf(origin: string): IceServerSource | undefined {
    if (this.iceServersFor === null) return undefined
    let source = this.iceSources.get(origin)
    if (source === undefined) {
      source = this.iceServersFor(origin)
      this.iceSources.set(origin, source)
    }
    return source
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

  /** Keeps the rooms of `wanted` not yet kept (asleep) and leaves those no longer listed. */
  async apply(wanted: readonly PeerRoom[]): Promise<{ joined: number; left: number }> {
    if (this.closing !== null) return { joined: 0, left: 0 }
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
    const byUrl = new Map<string, string[]>()
    for (const room of joining) {
      this.rooms.set(room.topic, { room, awake: null, waking: false, leaving: Promise.resolve(), lastWriteAt: null })
      this.iceSourceOf(room.link.origin)
      for (const url of room.link.signaling) {
        const topicsOfUrl = byUrl.get(url)
        if (topicsOfUrl === undefined) byUrl.set(url, [room.topic])
        else topicsOfUrl.push(room.topic)
      }
    }
    for (const [url, joined] of byUrl) this.watchOf(url).watch(joined, true)
    this.dropUnusedWatches()
    if (joining.length > 0) this.log.info({ rooms: joining.length }, 'keeping rooms (asleep until someone comes)')
    await Promise.all(sessions)
    return { joined: joining.length, left: leaving.length }
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
        iceServerSource: this.iceSourceOf(link.origin),
        encryptionKey: Promise.resolve(key),
        sleep: { afterMs: this.sleepAfterMs, onQuiet: () => this.sleep(topic, session) },
      })
      kept.awake = session
      for (const url of link.signaling) this.watches.get(url)?.unwatch([topic])
      this.log.info({ room: label }, 'room awake')
      await session.session.whenLocalLoaded
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
  private release(kept: Kept): Promise<void> {
    const session = kept.awake
    if (session === null) return kept.leaving
    kept.awake = null
    this.awakeCount--
    this.noteWrite(kept, session.lastWriteAt)
    kept.leaving = session.destroy().then(() => this.noteWrite(kept, session.lastWriteAt))
    return kept.leaving
  }

  private noteWrite(kept: Kept, at: number | null): void {
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
    return [...this.rooms.values()].map(({ room, awake, waking }) => {
      if (awake !== null) {
        const { status } = awake.session
        return { room: room.label, signaling: status.signaling, peers: status.peers, storage: status.storage, storageError: status.storageError, awake: true }
      }
      return { room: room.label, signaling: this.watchState(room), peers: 0, storage: waking ? 'loading' : 'asleep', storageError: null, awake: waking }
    })
  }

  /** A sleeping room's signaling: the best of its servers' watches. */
  private watchState(room: PeerRoom): SignalingState {
    let best = STATE_RANK.length - 1
    for (const url of room.link.signaling) best = Math.min(best, STATE_RANK.indexOf(this.watches.get(url)?.state ?? 'connecting'))
    return STATE_RANK[best] ?? 'connecting'
  }

  /** The session of `topic`'s room while awake (for tests and benchmarks). */
  get(topic: string): AlwaysOnRoom | undefined {
    return this.rooms.get(topic)?.awake ?? undefined
  }

  /** Idempotent. Leaves every room; resolves once each awake one has written what was pending. */
  close(): Promise<void> {
    if (this.closing === null) {
      const kept = [...this.rooms.values()]
      this.rooms.clear()
      this.queue.destroy()
      for (const watch of this.watches.values()) watch.destroy()
      this.watches.clear()
      this.closing = Promise.all(kept.map((room) => this.release(room))).then(() => undefined)
      for (const source of this.iceSources.values()) source.destroy()
      this.iceSources.clear()
    }
    return this.closing
  }
}
