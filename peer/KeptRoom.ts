import type { SignalingState } from '../src/network/signalingState'
import type { AlwaysOnRoom, MoveCarry } from './AlwaysOnRoom'
import type { PeerRoom } from './roomLinks'

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

/** A room the peer keeps, asleep or awake (see `PeerRooms`). */
export interface KeptRoom {
  readonly room: PeerRoom
  /** Its session while awake (or waking), else null. */
  awake: AlwaysOnRoom | null
  /** Set from the moment a wake starts until it has a session or gave up. */
  waking: boolean
  /** The previous session's leaving, which a wake waits for (one provider and one copy per room). */
  leaving: Promise<void>
  lastWriteAt: number | null
  /** The old room's copy (a writer's) to put into this moved-to room once it is loaded. */
  adopt: MoveCarry | null
  /** Whether "moved without this peer" was logged. */
  leftBehind: boolean
}

const STATE_RANK: readonly SignalingState[] = ['connected', 'reconnecting', 'connecting', 'unreachable']

/**
 * What `/healthz` says of `kept`: an awake room's session status; a sleeping room's signaling is
 * the best of its servers' watches (`watchState` of each URL; unknown: connecting).
 */
export function keptRoomHealth(kept: KeptRoom, watchState: (url: string) => SignalingState | undefined): RoomHealth {
  const { room, awake, waking } = kept
  if (awake !== null) {
    const { status } = awake.session
    return { room: room.label, signaling: status.signaling, peers: status.peers, storage: status.storage, storageError: status.storageError, awake: true }
  }
  let best = STATE_RANK.length - 1
  for (const url of room.link.signaling) best = Math.min(best, STATE_RANK.indexOf(watchState(url) ?? 'connecting'))
  return { room: room.label, signaling: STATE_RANK[best] ?? 'connecting', peers: 0, storage: waking ? 'loading' : 'asleep', storageError: null, awake: waking }
}
