import { coalescedRunner } from './coalescedRunner'
import type { WebrtcConn } from './PeerLinks'
import { readPeerPath, type PeerPath, type PeerPathInfo } from './readPeerPath'
import { SteadyLatency } from './gossip/latencyClass'

/** How often paths are re-read while any connection exists. */
export const PATH_POLL_MS = 2_000
/** A connection still not up after this long counts as "could not connect" while it keeps trying. */
export const UNREACHABLE_AFTER_MS = 15_000
/** How long a peer whose attempt failed is remembered without a new attempt (it may have left). */
export const FAILED_MEMORY_MS = 90_000

/** Counts of peers by path, for the status line. */
export interface PathSummary {
  readonly direct: number
  readonly relay: number
  /** Peers reached through the signaling server's relay of last resort (end-to-end encrypted). */
  readonly server: number
  readonly connecting: number
  /** Peers in the room that no path reaches (they announced themselves; ICE found nothing). */
  readonly unreachable: number
  /** A TURN server refused or did not answer (e.g. wrong or expired credentials). */
  readonly relayProblem: boolean
  /** Whether this page was given a TURN server at all (what would help differs). */
  readonly turnConfigured: boolean
}

/** Whether any of `servers` is a TURN server. */
export function hasTurn(servers: readonly RTCIceServer[]): boolean {
  return servers.some((server) => [server.urls].flat().some((url) => /^turns?:/.test(url)))
}

export const NO_PATHS: PathSummary = { direct: 0, relay: 0, server: 0, connecting: 0, unreachable: 0, relayProblem: false, turnConfigured: false }

interface Attempt {
  readonly since: number
  everUp: boolean
  info: PeerPathInfo
  readonly detach: () => void
}

/**
 * Follows how each peer is reached: reads every connection's `getStats()` (see `readPeerPath.ts`),
 * remembers peers whose attempts failed while they are retried, and notices TURN errors. It is
 * responsible for its timer and for the listeners it adds to connections; `destroy()` removes all.
 */
export class PeerPaths {
  private readonly attempts = new Map<WebrtcConn, Attempt>()
  private readonly failedAt = new Map<string, number>()
  private current = new Map<string, PeerPathInfo>()
  private summaryNow: PathSummary = NO_PATHS
  /** Each link's round-trip time class, as gossip trees weigh it (see `linkMs`). */
  private readonly latency = new SteadyLatency()
  private latencyMoved = false
  private relayErrors = 0
  private turnConfigured = false
  private timer: ReturnType<typeof setInterval> | null = null
  private destroyed = false

  constructor(
    private readonly conns: () => ReadonlyMap<string, WebrtcConn>,
    private readonly onChange: () => void,
    /** Peers reached through the server's relay of last resort (see `ServerRelay`). */
    private readonly serverRelayed: () => readonly string[] = () => [],
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** The path to `peerId` (y-webrtc's peer id), or undefined for a peer this page never tried. */
  pathOf(peerId: string): PeerPathInfo | undefined {
    return this.current.get(peerId)
  }

  /**
   * The round-trip time class of the link to `peerId` in ms, as this peer publishes it for gossip
   * trees: steady (the least read over a while), in classes, changed rarely (see
   * `SteadyLatency`); 0 while unknown.
   */
  linkMs(peerId: string): number {
    return this.latency.classOf(peerId)
  }

  /** Every peer's path, by y-webrtc peer id. */
  all(): ReadonlyMap<string, PeerPathInfo> {
    return this.current
  }

  /** Says whether a TURN server is configured now (see {@link PathSummary.turnConfigured}). */
  setTurnConfigured(configured: boolean): void {
    if (configured === this.turnConfigured) return
    this.turnConfigured = configured
    this.publish()
  }

  get summary(): PathSummary {
    return this.summaryNow
  }

  /**
   * Re-reads every connection now (and keeps polling while any exists). A change during a
   * read is read right after it, never lost until the next poll.
   */
  readonly refresh = coalescedRunner(() => this.read(), () => this.destroyed)

  private async read(): Promise<void> {
    const conns = [...this.conns()]
    const now = this.now()
    for (const [peerId, conn] of conns) if (!this.attempts.has(conn)) this.attempts.set(conn, this.follow(peerId, conn, now))
    // Connections y-webrtc dropped (closed, timed out): a failed attempt is remembered.
    const live = new Set(conns.map(([, conn]) => conn))
    for (const [conn, attempt] of this.attempts) {
      if (live.has(conn)) continue
      attempt.detach()
      this.attempts.delete(conn)
    }
    const infos = await Promise.all(conns.map(([, conn]) => readPeerPath(conn.peer._pc, conn.connected)))
    if (this.destroyed) return
    const next = new Map<string, PeerPathInfo>()
    conns.forEach(([peerId, conn], index) => {
      const attempt = this.attempts.get(conn)!
      let info = infos[index]!
      if (info.path === 'direct' || info.path === 'relay') {
        attempt.everUp = true
        this.failedAt.delete(peerId)
      } else if (info.path === 'failed' || (info.path === 'connecting' && !attempt.everUp && now - attempt.since > UNREACHABLE_AFTER_MS)) {
        this.failedAt.set(peerId, now)
        info = { path: 'failed' }
      } else if (this.failedAt.has(peerId)) {
        // A retry of a peer that could not be reached: still "could not connect" until it works.
        info = { path: 'failed' }
        this.failedAt.set(peerId, now)
      }
      attempt.info = info
      next.set(peerId, info)
    })
    for (const [peerId, at] of this.failedAt) {
      if (next.has(peerId)) continue
      if (now - at > FAILED_MEMORY_MS) this.failedAt.delete(peerId)
      else next.set(peerId, { path: 'failed' })
    }
    // A peer the relay of last resort reaches is reached, whatever WebRTC is still trying.
    for (const peerId of this.serverRelayed()) if (next.get(peerId)?.path !== 'direct' && next.get(peerId)?.path !== 'relay') next.set(peerId, { path: 'server' })
    this.current = next
    const reads = new Map<string, number | undefined>()
    for (const [peerId, info] of next) if (info.path === 'direct' || info.path === 'relay') reads.set(peerId, info.rttMs)
    if (this.latency.update(reads, now)) this.latencyMoved = true
    this.publish()
    this.schedule(conns.length > 0 || this.failedAt.size > 0 || this.serverRelayed().length > 0)
  }

  private follow(peerId: string, conn: WebrtcConn, now: number): Attempt {
    const pc = conn.peer._pc
    // 401/403 (credentials refused) and 701 (TURN server unreachable) from a `turn:` URL.
    const onError = (event: Event): void => {
      const { url, errorCode } = event as RTCPeerConnectionIceErrorEvent
      if (typeof url === 'string' && /^turns?:/.test(url) && (errorCode === 401 || errorCode === 403 || errorCode === 701)) {
        this.relayErrors++
        this.refresh()
      }
    }
    const onClose = (): void => {
      const attempt = this.attempts.get(conn)
      // A connection replaced by a newer one to the same peer (glare) did not fail.
      const successor = this.conns().get(peerId)
      if (attempt !== undefined && !attempt.everUp && (successor === undefined || successor === conn)) this.failedAt.set(peerId, this.now())
      this.refresh()
    }
    pc?.addEventListener('icecandidateerror', onError)
    conn.peer.on('close', onClose)
    conn.peer.on('iceStateChange', this.refresh)
    conn.peer.on('connect', this.refresh)
    return {
      since: now,
      everUp: false,
      info: { path: 'connecting' },
      detach: () => {
        pc?.removeEventListener('icecandidateerror', onError)
        conn.peer.removeListener('close', onClose)
        conn.peer.removeListener('iceStateChange', this.refresh)
        conn.peer.removeListener('connect', this.refresh)
      },
    }
  }

  private publish(): void {
    const count = (path: PeerPath): number => [...this.current.values()].filter((info) => info.path === path).length
    const next: PathSummary = {
      direct: count('direct'),
      relay: count('relay'),
      server: count('server'),
      connecting: count('connecting'),
      unreachable: count('failed'),
      relayProblem: this.relayErrors > 0 && count('failed') > 0,
      turnConfigured: this.turnConfigured,
    }
    const changed = (Object.keys(next) as (keyof PathSummary)[]).some((key) => next[key] !== this.summaryNow[key])
    this.summaryNow = next
    const latencyMoved = this.latencyMoved
    this.latencyMoved = false
    if (changed || latencyMoved) this.onChange()
  }

  private schedule(active: boolean): void {
    if (active && this.timer === null) this.timer = setInterval(this.refresh, PATH_POLL_MS)
    else if (!active && this.timer !== null) {
      clearInterval(this.timer)
      this.timer = null
    }
  }

  /** Idempotent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    if (this.timer !== null) clearInterval(this.timer)
    for (const attempt of this.attempts.values()) attempt.detach()
    this.attempts.clear()
  }
}
