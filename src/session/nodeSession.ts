import wrtc from '@roamhq/wrtc'
import WebSocket from 'ws'
import { chunkingRtc } from '../network/chunkingRtc'
import { RoomByteBudget } from '../network/messages/RoomByteBudget'
import type { RelayRule } from '../network/gossip/relayRule'
import type { IceServerSource } from '../network/iceServers'
import type { DeviceIdentity } from '../presence/storedDeviceIdentity'
import type { UserIdentity } from '../presence/userIdentity'
import type { ParsedRoomLink } from '../room/parseRoomLink'
import type { OpenLocalCopy } from '../storage/localCopy'
import { openSession, type Session } from './openSession'

export interface NodeSessionOptions {
  readonly user: UserIdentity
  /** The local copy: LevelDB for a peer that keeps documents, memory for one that does not. */
  readonly storage: OpenLocalCopy
  readonly iceServers?: readonly RTCIceServer[]
  /** ICE servers that change (the link's server's `/ice-servers`, renewed); wins over `iceServers`. */
  readonly iceServerSource?: IceServerSource
  /** y-webrtc's `maxConns` (tests); default y-webrtc's own. */
  readonly maxConns?: number
  /** The relay rule past a full mesh, read at every update (tests and benchmarks only, see `relayRule.ts`); default `weighted`. */
  readonly relayRule?: () => RelayRule
  /** The room's encryption key, derived ahead (see `SessionOptions.encryptionKey`). */
  readonly encryptionKey?: PromiseLike<CryptoKey | null>
  /** This peer's device keys (see `SessionOptions.device`). */
  readonly device?: Promise<DeviceIdentity>
}

/**
 * Opens a room in Node with the same session core as a browser: WebRTC from @roamhq/wrtc under
 * the chunking transport, signaling over the `ws` client. Node only (never bundled for a page).
 */
export function openNodeSession(link: ParsedRoomLink, options: NodeSessionOptions): Session {
  // Node 20 has no global WebSocket; y-webrtc's signaling client (lib0) expects one.
  if (globalThis.WebSocket === undefined) Object.assign(globalThis, { WebSocket })
  return openSession(link.secret, {
    signaling: link.signaling,
    user: options.user,
    storage: options.storage,
    iceServers: options.iceServers,
    iceServerSource: options.iceServerSource,
    maxConns: options.maxConns,
    relayRule: options.relayRule,
    encryptionKey: options.encryptionKey,
    device: options.device,
    // One process serves many rooms: each room's data channels hold at most its own budget.
    rtc: chunkingRtc(wrtc, new RoomByteBudget()),
  })
}
