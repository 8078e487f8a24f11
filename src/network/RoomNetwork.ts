import type { WebrtcProvider } from 'y-webrtc'
import { Announcer } from './Announcer'
import { dataChannelSends } from './chunkingRtc'
import { MessageLayer, linkOf } from './messages/MessageLayer'
import { RoomGossip } from './gossip/RoomGossip'
import type { RelayTargets } from './gossip/TreeRelay'
import { PeerLinks, isLinkUp, type WebrtcConn } from './PeerLinks'
import { RoomProvider } from './RoomProvider'
import { ServerRoomCount } from './ServerRoomCount'
import type { PeerPathInfo } from './readPeerPath'
import { hasTurn, NO_PATHS, PeerPaths } from './PeerPaths'
import { LONELY_LINKS } from './gossip/membership'
import { ServerRelay, type RelaySignalingConn } from './relay/ServerRelay'
import { deriveRoomEncryptionKey } from './roomEncryptionKey'
import { markRoomReleasing, whenRoomReleased } from './roomRelease'
import { signalingState, type SignalingConnState } from './signalingState'
import { SignedRoom, TABS_LINK } from './signed/SignedRoom'
import type { AnnouncedAhead, NetworkDebugInfo, NetworkState, RoomNetworkOptions } from './RoomNetworkOptions'

export type { AnnouncedAhead, NetworkDebugInfo, NetworkState, RoomNetworkOptions }

/** How often the signaling state is re-derived while no server is connected. */
export const SIGNALING_POLL_MS = 500

/**
 * How long someone in the room may stay unreached by any WebRTC path before this page looks for
 * them through the server's relay of last resort (at once in a browser without WebRTC).
 */
export const RELAY_AFTER_MS = 6_000

/**
 * The room on the network: a y-webrtc provider (signaling, WebRTC connections, BroadcastChannel
 * between tabs), the message layer that owns every byte on those connections (`MessageLayer`),
 * and what Meshpad adds — honest link counts, the gossip tree, and the presence fields that
 * describe the mesh (`peerId`, `links`). It is the only place that reads y-webrtc's internals
 * (`room.webrtcConns`, `bcConns`, `signalingConns`); it is responsible for every listener and
 * timer it starts and removes them in `destroy()`. It does not own the doc or the awareness.
 */
export class RoomNetwork {
  private provider: WebrtcProvider | null = null
  private current: NetworkState = { signaling: 'connecting', peers: 0, syncedPeers: 0, tabs: 0, paths: NO_PATHS, ignoredChanges: 0, serverRelayOff: false }
  private everConnected = false
  private pollTimer: ReturnType<typeof setInterval> | null = null
  private firstPeerAt: number | null = null
  private publishedLinks: string | null = null
  private serverCount: ServerRoomCount | null = null
  private serverRelay: ServerRelay | null = null
  private announcer: Announcer | null = null
  /** Since when someone in the room has been unreached (see {@link RELAY_AFTER_MS}), or null. */
  private unreachedSince: number | null = null
  private destroyed = false
  private readonly links: PeerLinks
  private readonly gossip: RoomGossip
  private readonly signed: SignedRoom | null
  private readonly layer: MessageLayer
  private readonly paths: PeerPaths
  /**
   * simple-peer's `config`, shared by every connection y-webrtc creates (it spreads `peerOpts`
   * per connection, and simple-peer copies `config` when the connection is created), so
   * {@link setIceServers} applies to every connection started after it.
   */
  private readonly rtcConfig: RTCConfiguration
  /**
   * How many WebRTC connections this page keeps (y-webrtc's default: 20 + a random 0–14, which
   * makes it less likely that n peers form a cluster); 0 without WebRTC. y-webrtc itself gets 0, so
   * that it answers no announce: the {@link Announcer} does, by the gossip layer's membership rule.
   */
  private readonly maxConns: number

  constructor(private readonly options: RoomNetworkOptions) {
    this.maxConns = options.rtc === null ? 0 : (options.maxConns ?? 20 + Math.floor(Math.random() * 15))
    this.links = new PeerLinks({
      onChange: this.refresh,
      onPeerDown: (peerId) => options.onPeersDown([peerId]),
      onUp: () => this.announcer?.connectionUp(),
      onClosed: (peerId, conn) => this.announcer?.connectionClosed(peerId, conn),
    })
    this.rtcConfig = { iceServers: [...(options.iceServers ?? [])] }
    this.paths = new PeerPaths(() => this.conns(), this.refresh, () => this.layer.relayedPeers())
    this.paths.setTurnConfigured(hasTurn(this.rtcConfig.iceServers!))
    // Where each update goes: each person's presence carries the peer ids they reach directly
    // (`links`); from them every peer derives, for each update, the spanning tree rooted at its
    // author, and the message layer and the signed sync send along it (see RoomGossip, TreeRelay;
    // in a full mesh the author sends to all and nobody forwards). A flood would cost
    // n·(n − 1) messages per edit in a full mesh and about n·k past it.
    this.gossip = new RoomGossip({
      doc: options.doc,
      awareness: options.awareness,
      self: () => {
        if (!this.provider?.room) return null
        const links = this.directLinks()
        return { peerId: this.provider.room.peerId, links, linkMs: links.map((peer) => this.paths.linkMs(peer)) }
      },
      senderOf: linkOf,
      resync: this.resync,
      announce: (links) => this.announcer?.announce(links),
      signalingClients: () => this.serverCount?.value,
      maxConns: () => this.maxConns,
      relayRule: options.relayRule,
    })
    options.awareness.on('change', this.refreshRelay)
    // v2 rooms sync the document signed; y-webrtc gets an empty shadow doc.
    this.signed = options.signed
      ? new SignedRoom({
          topic: options.topic,
          doc: options.doc,
          keys: options.signed,
          clientID: options.awareness.clientID,
          // The relay decision is derived once per update, and only if a peer link may need it.
          relayFrom: (from, update) => {
            let targets: RelayTargets | null = null
            return (to) => {
              if (to === TABS_LINK) return true
              targets ??= this.gossip.relayTargets(from === TABS_LINK ? null : from, null, update)
              return targets === 'all' || targets.has(to)
            }
          },
          onChange: this.refresh,
          onOwnSent: () => this.layer.releaseHeld(),
        })
      : null
    this.layer = new MessageLayer({
      doc: options.doc,
      awareness: options.awareness,
      signed: this.signed?.sync ?? null,
      selfPeerId: () => this.peerId,
      relayTargets: this.gossip.relayTargets,
      relayedPresence: () => this.gossip.relaysThroughTree,
      onChange: this.refresh,
      warn: (message) => console.warn(message),
    })
    const released = whenRoomReleased(options.topic)
    if (released === undefined) this.connect()
    else void released.then(() => this.connect())
  }

  get state(): NetworkState {
    return this.current
  }

  /** This page's y-webrtc peer id, once its room is open. */
  get peerId(): string | null {
    return this.provider?.room?.peerId ?? null
  }

  /** The presence fields that describe this peer in the mesh (see `MeshPresence`). */
  presence(): { peerId?: string; links: string[] } {
    const peerId = this.peerId
    return peerId === null ? { links: [] } : { peerId, links: this.directLinks() }
  }

  private connect(): void {
    if (this.destroyed) return
    const { options } = this
    const provider = new RoomProvider(options.topic, this.signed?.shadowDoc ?? options.doc, {
      signaling: [...options.signaling],
      password: options.password,
      awareness: options.awareness,
      // The chunking transport hands every data channel to the message layer (see MessageLayer).
      peerOpts: { config: this.rtcConfig, wrtc: options.rtc ?? undefined },
      // y-webrtc answers no announce and announces only when a server connects; the
      // Announcer does the rest, and keeps the overlay connected past a full mesh (see RoomGossip).
      // Without WebRTC it starts no connection and announces none: the relay of last resort
      // reaches this page's peers.
      maxConns: 0,
    }, { ...this.roomKey(), ...(options.announcedAhead ? { peerId: options.announcedAhead.peerId } : {}) })
    this.provider = provider
    this.announcer = new Announcer({ provider, maxConns: this.maxConns, accept: this.gossip.acceptAnnounce })
    this.serverCount = new ServerRoomCount(options.topic, provider.signalingConns as never)
    this.serverRelay = new ServerRelay({
      topic: options.topic,
      key: provider.key,
      signalingConns: provider.signalingConns as unknown as RelaySignalingConn[],
      selfPeerId: () => this.peerId,
      wanted: this.relayWanted,
      accept: this.acceptRelay,
      links: () => this.directLinks().length,
      attach: (peerId, link) => this.layer.attachTransport(peerId, link, (owner) => link.transport(owner)),
      onChange: this.refresh,
    })
    provider.on('peers', this.handlePeers)
    provider.on('synced', this.refresh)
    for (const conn of provider.signalingConns) {
      conn.on('connect', this.refresh)
      conn.on('disconnect', this.refresh)
    }
    void provider.key.then(() => {
      // After y-webrtc's own `key.then`, which opened the room: it reads what was held.
      options.announcedAhead?.release()
      if (this.destroyed || provider.room === null) return
      options.awareness.setLocalStateField('peerId', provider.room.peerId)
      this.announcer?.announceIfRoom()
      this.refresh()
    })
    // Not synchronously: when another room of this process already holds a connected
    // signaling connection, the state changes at once, and `onChange` must not run while the
    // owner is still constructing this network (openSession reads `network.state` in it).
    queueMicrotask(this.refresh)
  }

  /** People on this server in the room that this page reaches by no path (the server's count). */
  private unreached(): number {
    const room = this.provider?.room
    const count = this.serverCount?.value
    if (!room || count === undefined) return 0
    return count - 1 - room.bcConns.size - this.links.count(this.conns().values()) - this.layer.relayedPeers().length
  }

  /**
   * Whether this page looks for peers through the server's relay: someone on the server is
   * unreached (for {@link RELAY_AFTER_MS}, at once without WebRTC), in a room small enough for a
   * full mesh or while this page has no link at all (then a few answer, as for a lonely announce).
   */
  private readonly relayWanted = (): boolean => {
    // Without WebRTC, and before the server has said how many are here, there may be someone.
    if (this.options.rtc === null && this.serverCount?.value === undefined) return this.provider?.room !== null
    if (this.unreached() <= 0) {
      this.unreachedSince = null
      return false
    }
    const now = performance.now()
    this.unreachedSince ??= now
    if (this.options.rtc !== null && now - this.unreachedSince < RELAY_AFTER_MS) return false
    const roomSize = this.serverCount?.value ?? 0
    // Past a full mesh most people are meant to be unreached; only a page with no link at all looks.
    return roomSize <= this.maxConns + 1 || this.directLinks().length === 0
  }

  /** Whether to take up a relay hello from `peerId`: never over a direct path that is up, or from a tab. */
  private readonly acceptRelay = (peerId: string, links: number, answer: boolean): boolean => {
    const room = this.provider?.room
    if (!room || room.bcConns.has(peerId)) return false
    const conn = this.conns().get(peerId)
    if (conn !== undefined && isLinkUp(conn)) return false
    if (answer || this.options.rtc === null) return true
    const roomSize = this.serverCount?.value ?? 0
    return roomSize <= this.maxConns + 1 || (links === 0 && Math.random() < (2 * LONELY_LINKS) / roomSize)
  }

  /**
   * The room's encryption key for the provider, given when derived ahead or when the room must
   * wait (`ready`): y-webrtc opens its room once its key resolves. Empty: y-webrtc derives it.
   */
  private roomKey(): { key?: PromiseLike<CryptoKey | null> } {
    const { encryptionKey, ready, password, topic } = this.options
    if (encryptionKey === undefined && ready === undefined) return {}
    const key = Promise.resolve(encryptionKey).then((early) => early ?? deriveRoomEncryptionKey(password, topic))
    return { key: Promise.all([key, ready]).then(([roomKey]) => roomKey) }
  }

  /** ICE servers for connections started from now on (see `iceServers.ts`). */
  setIceServers(servers: readonly RTCIceServer[]): void {
    this.rtcConfig.iceServers = [...servers]
    this.paths.setTurnConfigured(hasTurn(servers))
  }

  /** The path to each peer this page has tried to reach, by y-webrtc peer id. */
  peerPaths(): ReadonlyMap<string, PeerPathInfo> {
    return this.paths.all()
  }

  private conns(): Map<string, WebrtcConn> {
    return (this.provider?.room?.webrtcConns as Map<string, WebrtcConn> | undefined) ?? new Map()
  }

  /** Peer ids this page reaches directly: WebRTC links that are up, and tabs over BroadcastChannel. */
  private directLinks(): string[] {
    const room = this.provider?.room
    if (!room) return []
    const links = [...room.bcConns, ...this.layer.relayedPeers()]
    this.conns().forEach((conn, peerId) => {
      if (isLinkUp(conn)) links.push(peerId)
    })
    return links.sort()
  }

  private readonly handlePeers = ({ added, removed }: { added: string[]; removed: string[] }): void => {
    const conns = this.conns()
    for (const peerId of added) {
      const conn = conns.get(peerId)
      if (conn === undefined) continue
      this.links.track(peerId, conn)
      this.layer.attach(peerId, conn)
    }
    if (removed.length > 0) this.options.onPeersDown(removed)
    this.refresh()
  }

  private readonly refreshRelay = (): void => this.gossip.refresh()

  /** Asks these direct peers for what this copy lacks (see `RoomGossip`). */
  private readonly resync = (peerIds: readonly string[]): void => this.layer.resync(peerIds)

  private readonly refresh = (): void => {
    // Peers close after `destroy()` (y-webrtc tears the room down asynchronously).
    const provider = this.provider
    if (this.destroyed || provider === null) return
    const signalingConns = provider.signalingConns as unknown as SignalingConnState[]
    if (signalingConns.some((conn) => conn.connected)) this.everConnected = true
    const relayed = this.layer.relayedPeers()
    const up = this.links.count(this.conns().values()) + relayed.length
    const synced = this.layer.syncedAmong(this.conns()) + relayed.filter((peerId) => this.layer.isSynced(peerId)).length
    if (up > 0 && this.firstPeerAt === null) this.firstPeerAt = performance.now()
    const signaling = signalingState(signalingConns, this.everConnected)
    this.publishLinks()
    this.gossip.refresh()
    this.paths.refresh()
    const ignoredChanges = this.signed?.sync.ignored ?? 0
    const serverRelayOff = this.serverRelay?.refused === 'off'
    const next: NetworkState = { signaling, peers: up, syncedPeers: synced, tabs: provider.room?.bcConns.size ?? 0, paths: this.paths.summary, ignoredChanges, serverRelayOff }
    const changed = (Object.keys(next) as (keyof NetworkState)[]).some((key) => next[key] !== this.current[key])
    this.current = next
    // Failed connection attempts emit nothing; poll only while no server is connected.
    if (signaling !== 'connected' && this.pollTimer === null) {
      this.pollTimer = setInterval(this.refresh, SIGNALING_POLL_MS)
    } else if (signaling === 'connected' && this.pollTimer !== null) {
      clearInterval(this.pollTimer)
      this.pollTimer = null
    }
    if (changed) this.options.onChange()
  }

  /** Publishes this peer's direct links and their round-trip time classes when either changed. */
  private publishLinks(): void {
    if (!this.provider?.room) return
    const links = this.directLinks()
    const linkMs = links.map((peer) => this.paths.linkMs(peer))
    const key = `${links.join()}|${linkMs.join()}`
    if (key === this.publishedLinks) return
    this.publishedLinks = key
    // As `setLocalStateField`: a page that left the room's presence (hidden) does not rejoin it here.
    const state = this.options.awareness.getLocalState()
    if (state !== null) this.options.awareness.setLocalState({ ...state, links, linkMs })
  }

  debug(): NetworkDebugInfo {
    const room = this.provider?.room ?? null
    return {
      peerId: room?.peerId ?? null,
      webrtcConnected: this.links.count(this.conns().values()),
      webrtcKnown: room?.webrtcConns.size ?? 0,
      bcPeers: room?.bcConns.size ?? 0,
      signalingConnected: this.provider?.signalingConns.filter((conn) => conn.connected).length ?? 0,
      firstPeerAt: this.firstPeerAt,
      paths: Object.fromEntries(this.paths.all()),
      iceServers: (this.rtcConfig.iceServers ?? []).flatMap((server) => server.urls),
      dataChannelSends: dataChannelSends.messages,
      dropped: Object.fromEntries([...this.layer.dropped, ...(this.serverRelay?.dropped ?? [])]),
      serverClients: this.serverCount?.value ?? null,
      serverRelayed: this.layer.relayedPeers(),
      serverRelayRefused: this.serverRelay?.refused ?? null,
    }
  }

  /** Idempotent. Leaves the room: closes every connection and releases the signaling servers. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    if (this.pollTimer !== null) clearInterval(this.pollTimer)
    this.options.awareness.off('change', this.refreshRelay)
    this.links.destroy()
    this.paths.destroy()
    this.gossip.destroy()
    this.layer.destroy()
    this.signed?.destroy()
    this.serverCount?.destroy()
    this.serverRelay?.destroy()
    this.announcer?.destroy()
    this.options.announcedAhead?.release()
    const provider = this.provider
    if (provider === null) return
    provider.off('peers', this.handlePeers)
    provider.off('synced', this.refresh)
    for (const conn of provider.signalingConns) {
      conn.off('connect', this.refresh)
      conn.off('disconnect', this.refresh)
    }
    // `destroy()` alone leaves the provider registered with its signaling connections,
    // which then stay open; `disconnect()` releases them.
    provider.disconnect()
    provider.destroy()
    // y-webrtc releases the room name in a `key.then` registered by `destroy()`; this one
    // runs after it.
    markRoomReleasing(this.options.topic, provider.key)
  }
}
