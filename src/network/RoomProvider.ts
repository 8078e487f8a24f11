import { WebrtcProvider, type ProviderOptions } from 'y-webrtc'

/** What a {@link RoomProvider} opens its room with, beyond y-webrtc's own options. */
export interface RoomProviderStart {
  /**
   * The room's encryption key, derived ahead (as `deriveRoomEncryptionKey(password, topic)`
   * derives it), or to wait for: y-webrtc opens its room once it resolves. Absent: y-webrtc
   * derives it from `password`.
   */
  readonly key?: PromiseLike<CryptoKey | null>
  /** The peer id the page announced itself under ahead (see `AnnouncedAhead`). Absent: a random one. */
  readonly peerId?: string
}

type Room = NonNullable<WebrtcProvider['room']>

/** The start of the provider whose constructor is running (y-webrtc assigns `key` in it). */
let starting: RoomProviderStart | null = null
/** The peer id each provider's room is to take, until its room opens. */
const peerIds = new WeakMap<object, string>()

/**
 * y-webrtc's `WebrtcProvider`, whose room opens under a key and a peer id Meshpad gives: the key
 * the page's early script derived (deriving it again would cost the join about as long as the
 * script saved), and the peer id that script announced the page under (the offers that answered
 * it are addressed to it). Everything else is y-webrtc's.
 *
 * y-webrtc 10.3.0's constructor assigns `this.key` (from `password`) and then opens the room
 * in `this.key.then(...)`, assigning `this.room` right before `room.connect()` announces the room
 * and says hello to the other tabs. This class defines `key` and `room` as accessors that take the
 * given key instead of the derived one (the provider is given no password, so nothing is derived)
 * and set the room's peer id before it connects; each becomes a plain property again once set.
 * `RoomProvider.contract.test.ts` pins that order.
 */
export class RoomProvider extends WebrtcProvider {
  constructor(roomName: string, doc: ConstructorParameters<typeof WebrtcProvider>[1], options: ProviderOptions, start: RoomProviderStart = {}) {
    starting = start
    try {
      super(roomName, doc, start.key === undefined ? options : { ...options, password: undefined })
    } finally {
      starting = null
    }
  }
}

Object.defineProperty(RoomProvider.prototype, 'key', {
  configurable: true,
  set(this: RoomProvider, derived: PromiseLike<CryptoKey | null>) {
    const start = starting
    if (start?.peerId !== undefined) peerIds.set(this, start.peerId)
    Object.defineProperty(this, 'key', { value: start?.key ?? derived, writable: true, configurable: true, enumerable: true })
  },
})

Object.defineProperty(RoomProvider.prototype, 'room', {
  configurable: true,
  get(): null {
    return null
  },
  set(this: RoomProvider, room: Room | null) {
    if (room === null) return
    const peerId = peerIds.get(this)
    if (peerId !== undefined) room.peerId = peerId
    peerIds.delete(this)
    Object.defineProperty(this, 'room', { value: room, writable: true, configurable: true, enumerable: true })
  },
})
