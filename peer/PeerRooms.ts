import type { Logger } from 'pino'
import { fetchIceServers, ICE_SERVERS_PATH, type IceServerSource } from '../src/network/iceServers'
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

/** Where a peer asks for the ICE servers of a link's origin; `null`: none (tests without a server). */
export type IceServersFor = ((origin: string) => IceServerSource) | null

/** Asks the Meshpad server at `origin` for its ICE servers, as a page served from it does. */
export const fetchIceServersOf: IceServersFor = (origin) => fetchIceServers({ url: new URL(ICE_SERVERS_PATH, origin).href })

/**
 * The rooms an always-on peer keeps, by topic. It is responsible for joining and leaving them as
 * the list changes (a SIGHUP re-reads the rooms file) and for leaving them all on shutdown, and for
 * the ICE servers of each origin its rooms come from (STUN/TURN from that server's `/ice-servers`,
 * asked once per origin and renewed, as a browser page does), so it reaches browsers on other
 * networks too.
 */
export class PeerRooms {
  private readonly rooms = new Map<string, AlwaysOnRoom>()
  private readonly iceSources = new Map<string, IceServerSource>()
  private closing: Promise<void> | null = null

  constructor(
    private readonly storage: OpenLocalCopy,
    private readonly log: Logger,
    private readonly iceServersFor: IceServersFor = fetchIceServersOf,
  ) {}

  private iceSourceOf(origin: string): IceServerSource | undefined {
    if (this.iceServersFor === null) return undefined
    let source = this.iceSources.get(origin)
    if (source === undefined) {
      source = this.iceServersFor(origin)
      this.iceSources.set(origin, source)
    }
    return source
  }

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
      this.rooms.set(room.topic, new AlwaysOnRoom(room, this.storage, this.log, this.iceSourceOf(room.link.origin)))
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
      for (const source of this.iceSources.values()) source.destroy()
      this.iceSources.clear()
    }
    return this.closing
  }
}
