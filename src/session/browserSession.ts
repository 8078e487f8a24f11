import type { DocumentLibrary } from '../library/DocumentLibrary'
import { chunkingRtc } from '../network/chunkingRtc'
import { fetchIceServers, iceServersUrl, type IceServerSource } from '../network/iceServers'
import { maxConnsFromSearch } from '../network/gossip/maxConnsParam'
import { signalingUrls } from '../network/signalingUrls'
import type { UserIdentity } from '../presence/userIdentity'
import { storedDeviceIdentity, type DeviceIdentity } from '../presence/storedDeviceIdentity'
import type { FollowedMoves } from '../removal/RoomMover'
import { roomSecretFromHash } from '../room/roomLink'
import { openIndexeddbCopy } from '../storage/IndexeddbCopy'
import { afterJoin } from './afterJoin'
import { takeEarlyRoomKey, withEarlyIceServers, withEarlySignaling } from './earlySignaling'
import { openSession, type Session } from './openSession'
import { windowLifecycle } from './pageLifecycle'
import type { RoomAddress } from './Workspace'

// One source per page, asked once and renewed, shared by every session the page opens.
let pageIceServers: IceServerSource | undefined
let pageDevice: Promise<DeviceIdentity> | undefined
/** Resolves once the page's first session has joined its room (see `afterJoin`); set as it opens. */
let pageJoined: Promise<void> | undefined

const FOLLOWED_MOVES_KEY = 'meshpad/v1/followed-moves/'

/** The move this browser followed out of each room, in localStorage (see `FollowedMoves`); forgotten where storage fails. */
const storedFollowedMoves: FollowedMoves = {
  get(topic) {
    try {
      return localStorage.getItem(FOLLOWED_MOVES_KEY + topic)
    } catch {
      return null
    }
  },
  set(topic, recordId) {
    try {
      localStorage.setItem(FOLLOWED_MOVES_KEY + topic, recordId)
    } catch {
      // Without storage, reopening the old link settles anew among the records it holds.
    }
  },
}

/**
 * This browser profile's device keys, read once per page (see `storedDeviceIdentity`) once the
 * page's first session has joined its room (`afterJoin`): the join goes first. Before any session
 * opened, at once.
 */
export function pageDeviceIdentity(): Promise<DeviceIdentity> {
  return (pageDevice ??= (pageJoined ?? Promise.resolve()).then(() => storedDeviceIdentity(indexedDB)))
}

/** Opens a session in this page: IndexedDB, the browser's WebRTC, the page's signaling servers. */
export function openBrowserSession(secret: string, user: UserIdentity, library: DocumentLibrary): Session {
  pageIceServers ??= fetchIceServers({ url: iceServersUrl(window.location.origin), fetch: withEarlyIceServers(window.fetch.bind(window)) })
  let joined = (): void => {}
  pageJoined ??= new Promise<void>((resolve) => (joined = resolve))
  let session: Session
  try {
    // The page's first session takes the signaling socket, the room key and the ICE servers'
    // answer the page asked for while it loaded.
    session = withEarlySignaling((announcedAhead) =>
      openSession(secret, {
        iceServerSource: pageIceServers,
        signaling: signalingUrls(window.location),
        maxConns: maxConnsFromSearch(window.location.search),
        user,
        storage: openIndexeddbCopy,
        rtc: chunkingRtc(),
        lifecycle: windowLifecycle(),
        library,
        encryptionKey: takeEarlyRoomKey(secret),
        announcedAhead,
        device: pageDeviceIdentity(),
        followedMoves: storedFollowedMoves,
      }),
    )
  } catch (error) {
    joined()
    throw error
  }
  // Only the page's first session resolves it (`joined` does nothing for the others).
  void afterJoin(session).then(joined)
  return session
}

/**
 * The URL fragment as the room's address. `pushState`/`replaceState` fire no `hashchange`,
 * so only the person's own navigation (a pasted link, Back) reaches `onChange`.
 */
export function hashAddress(): RoomAddress {
  return {
    read: () => roomSecretFromHash(window.location.hash),
    show(secret, mode) {
      if (mode === 'push') window.history.pushState(null, '', `#${secret}`)
      else window.history.replaceState(window.history.state, '', `#${secret}`)
    },
    onChange(listener) {
      window.addEventListener('hashchange', listener)
      return () => window.removeEventListener('hashchange', listener)
    },
  }
}
