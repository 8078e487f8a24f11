import type { Logger } from 'pino'
import type { OpenLocalCopy } from '../src/storage/localCopy'
import { AlwaysOnRoom } from './AlwaysOnRoom'
import type { PeerRoom } from './roomLinks'

/** What `/healthz` says of one room. */
export interface RoomHealth {
  readonly room: string
  readonly signaling: string
  readonly peers: number
  readonly storage: string
  readonly storageError: string | null
}

/**
 * The rooms an always-on peer keeps, by topic. It is responsible for joining and leaving them as
 * the list changes (a SIGHUP re-reads the rooms file) and for leaving them all on shutdown.
 */
export class PeerRooms {
  private readonly rooms = new Map<string, AlwaysOnRoom>()
  private closing: Promise<void> | null = null

  constructor(
    private readonly storage: OpenLocalCopy,
    private readonly log: Logger,
  ) {}

  /** Joins the rooms of `wanted` not yet kept and leaves those no longer listed. */
  async apply(wanted: readonly PeerRoom[]): Promise<{ joined: number; left: number }> {
    if (this.closing !== null) return { joined: 0, left: 0 }
    const topics = new Set(wanted.map((room) => room.topic))
    const leaving = [...this.rooms.entries()].filter(([topic]) => !topics.has(topic))
    for (const [topic, room] of leaving) {
      this.rooms.delete(topic)
      this.log.info({ room: room.room.label }, 'leaving room')
    }
    let joined = 0
    for (const room of wanted) {
      if (this.rooms.has(room.topic)) continue
      this.rooms.set(room.topic, new AlwaysOnRoom(room, this.storage, this.log))
      this.log.info({ room: room.label }, 'joining room')
      joined++
    }
    await Promise.all(leaving.map(([, room]) => room.destroy()))
    return { joined, left: leaving.length }
  }

  get size(): number {
    return this.rooms.size
  }

  /** WebRTC peers connected, summed over rooms. */
  connectedPeers(): number {
    let peers = 0
    for (const room of this.rooms.values()) peers += room.session.status.peers
    return peers
  }

  /** The latest confirmed write over every room (`Date.now()`), or null. */
  lastWriteAt(): number | null {
    let latest: number | null = null
    for (const room of this.rooms.values()) {
      if (room.lastWriteAt !== null && (latest === null || room.lastWriteAt > latest)) latest = room.lastWriteAt
    }
    return latest
  }

  health(): RoomHealth[] {
    return [...this.rooms.values()].map(({ room, session }) => ({
      room: room.label,
      signaling: session.status.signaling,
      peers: session.status.peers,
      storage: session.status.storage,
      storageError: session.status.storageError,
    }))
  }

  /** The room of `topic`, if kept (for tests and benchmarks). */
  get(topic: string): AlwaysOnRoom | undefined {
    return this.rooms.get(topic)
  }

  /** Idempotent. Leaves every room; resolves once each has written what was pending. */
  close(): Promise<void> {
    if (this.closing === null) {
      const rooms = [...this.rooms.values()]
      this.rooms.clear()
      this.closing = Promise.all(rooms.map((room) => room.destroy())).then(() => undefined)
    }
    return this.closing
  }
}
