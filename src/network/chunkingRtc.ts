import { ChunkAssembler, isFrame, splitMessage } from './messageChunks'
import { LinkBudgetError, MAX_HELD_MESSAGES, MAX_SEND_QUEUE_BYTES } from './messages/linkBudget'
import type { RoomByteBudget } from './messages/RoomByteBudget'

/**
 * Bytes queued in a data channel above which further frames wait in memory until it drains.
 * Chromium refuses sends once 16 MiB are queued; a large document's sync is sent in one go.
 */
export const SEND_HIGH_WATER_BYTES = 4 * 2 ** 20

/** The WebRTC classes simple-peer uses (its `wrtc` option). */
export interface WebrtcImplementation {
  RTCPeerConnection: typeof RTCPeerConnection
  RTCSessionDescription: typeof RTCSessionDescription
  RTCIceCandidate: typeof RTCIceCandidate
}

type Channel = Pick<RTCDataChannel, 'readyState' | 'bufferedAmount' | 'addEventListener' | 'onmessage'> & { send(data: Uint8Array<ArrayBuffer>): void }

/** Counters of this page or process: messages Meshpad sent, and sends of simple-peer's that were dropped. */
export const dataChannelSends = { messages: 0, bytes: 0, discarded: 0 }

/** Who reads a peer connection's data channel: the message layer's link (see `MessageLayer`). */
export interface ChannelOwner {
  /** One whole message, as the peer sent it (hostile input). */
  receive(data: Uint8Array): void
  /** The peer broke a transport budget (a message too large to assemble, frames out of place). */
  violation(reason: string): void
}

/** The sending side of a peer connection's data channel, for its owner. */
export interface ChannelSender {
  /**
   * Sends one whole message, framed as needed. Throws the channel's error when it is not open,
   * and {@link LinkBudgetError} when more than {@link MAX_SEND_QUEUE_BYTES} would wait in memory.
   */
  send(data: Uint8Array): void
  /** Bytes waiting: in memory and in the channel's own buffer. */
  readonly queuedBytes: number
}

interface Wrapped {
  readonly send: (data: Uint8Array) => void
  readonly queued: () => number
}

const wrapped = new WeakMap<object, Wrapped>()
/** The data channel of each peer connection made by {@link chunkingRtc}. */
const channels = new WeakMap<object, object>()
const owners = new WeakMap<object, ChannelOwner>()
/** Messages that arrived before the connection had an owner (at most {@link MAX_HELD_MESSAGES}). */
const held = new WeakMap<object, Uint8Array[]>()

/**
 * Makes `owner` the one reader of `pc`'s data channel (`pc`: one made by {@link chunkingRtc}), and
 * returns its sender and the function that removes the owner. Nothing a peer sends reaches
 * simple-peer or y-webrtc, and nothing they send reaches the wire: the connection is theirs, the
 * bytes on it are the owner's.
 */
export function ownPeerConnection(pc: object, owner: ChannelOwner): { sender: ChannelSender; release: () => void } {
  owners.set(pc, owner)
  // After the caller has finished taking the connection over.
  queueMicrotask(() => {
    for (const data of held.get(pc)?.splice(0) ?? []) if (owners.get(pc) === owner) owner.receive(data)
  })
  const sender: ChannelSender = {
    send: (data) => {
      const channel = channels.get(pc)
      const io = channel && wrapped.get(channel)
      if (!io) throw new Error('no data channel yet')
      io.send(data)
    },
    get queuedBytes() {
      const channel = channels.get(pc)
      return (channel && wrapped.get(channel)?.queued()) ?? 0
    },
  }
  return {
    sender,
    release: () => {
      if (owners.get(pc) === owner) owners.delete(pc)
    },
  }
}

/**
 * The `onmessage` setter of a data channel: an accessor in browsers. @roamhq/wrtc (Node)
 * has none: its event target reads a plain `onmessage` property when it dispatches; null then.
 */
function accessor(object: object, property: string): PropertyDescriptor | null {
  for (let proto: object | null = object; proto !== null; proto = Object.getPrototypeOf(proto) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, property)
    if (descriptor?.set) return descriptor
  }
  return null
}

/**
 * Takes one data channel away from simple-peer: its `send` (what simple-peer and y-webrtc call)
 * sends nothing, the handler simple-peer sets is never called, and every message received goes,
 * whole (frames joined again, see `splitMessage`), to the owner of `pc` (see
 * {@link ownPeerConnection}). The owner's sends are split into frames and held back in order
 * while the channel's buffer is full. It changes the channel object itself, once. Frames are
 * recognised in binary messages received as ArrayBuffers (`binaryType = 'arraybuffer'`, which
 * simple-peer sets); text messages are dropped. With a `budget`, the frames waiting to be sent and
 * the message being joined count against it too: a send past it throws {@link LinkBudgetError},
 * a frame past it is a violation; a closed channel gives back what it held.
 */
export function chunkChannel<T extends Channel>(channel: T, pc: object, warn: (message: string) => void = console.warn, budget: RoomByteBudget | null = null): T {
  if (wrapped.has(channel)) return channel
  channels.set(pc, channel)

  const nativeSend = channel.send.bind(channel) as (data: Uint8Array) => void
  const queue: Uint8Array[] = []
  let queuedBytes = 0
  const drain = (): void => {
    while (queue.length > 0 && channel.readyState === 'open' && channel.bufferedAmount < SEND_HIGH_WATER_BYTES) {
      const frame = queue.shift() as Uint8Array
      queuedBytes -= frame.byteLength
      budget?.release(frame.byteLength)
      nativeSend(frame)
    }
    if (queue.length > 0 && (channel.readyState === 'closing' || channel.readyState === 'closed')) {
      warn(`[meshpad] data channel closed with ${queue.length} frames unsent; the peers sync again when they reconnect`)
      queue.length = 0
      budget?.release(queuedBytes)
      queuedBytes = 0
    }
  }
  channel.addEventListener('bufferedamountlow', drain)
  // A closed channel holds nothing against its room: what waited to be sent, or was being joined.
  channel.addEventListener('close', () => {
    drain()
    assembler.discard()
  })

  const send = (data: Uint8Array): void => {
    const frames = splitMessage(data)
    dataChannelSends.messages++
    dataChannelSends.bytes += data.byteLength
    // A channel that is not open throws here, as a plain one would.
    if ((queue.length === 0 && frames.length === 1) || channel.readyState !== 'open') {
      nativeSend(frames.shift() as Uint8Array)
      if (frames.length === 0) return
    }
    const bytes = frames.reduce((sum, frame) => sum + frame.byteLength, 0)
    if (queuedBytes + bytes > MAX_SEND_QUEUE_BYTES) throw new LinkBudgetError('send queue')
    if (budget !== null && !budget.take(bytes)) throw new LinkBudgetError('room')
    queue.push(...frames)
    queuedBytes += bytes
    drain()
  }
  wrapped.set(channel, { send, queued: () => queuedBytes + channel.bufferedAmount })
  channel.send = (() => void dataChannelSends.discarded++) as T['send']

  const deliver = (data: Uint8Array): void => {
    const owner = owners.get(pc)
    if (owner !== undefined) return owner.receive(data)
    const list = held.get(pc) ?? []
    if (list.length < MAX_HELD_MESSAGES) list.push(data)
    held.set(pc, list)
  }
  const assembler = new ChunkAssembler((reason) => owners.get(pc)?.violation(`malformed frames: ${reason}`), budget)
  const receive = (event: MessageEvent): void => {
    const data: unknown = event.data
    if (!(data instanceof ArrayBuffer)) return
    const bytes = new Uint8Array(data)
    if (!isFrame(bytes)) return deliver(bytes)
    const message = assembler.push(bytes)
    if (message !== null) deliver(message)
  }
  const native = accessor(channel, 'onmessage')
  let handler: ((event: MessageEvent) => void) | null = null
  native?.set?.call(channel, receive)
  Object.defineProperty(channel, 'onmessage', {
    configurable: true,
    enumerable: true,
    // Where the platform reads the property itself to dispatch, it must read `receive`.
    get: () => (native === null ? receive : handler),
    set: (next: ((event: MessageEvent) => void) | null) => {
      handler = next
    },
  })
  return channel
}

/**
 * simple-peer's `wrtc` option: the browser's WebRTC, with every data channel passed through
 * {@link chunkChannel}: simple-peer and y-webrtc set the connection up, the message layer owns
 * its bytes. Null where there is no WebRTC. `budget`: one room's held bytes, shared by all its
 * channels (the always-on peer gives each room its own; see `RoomByteBudget`).
 */
export function chunkingRtc(native: Partial<WebrtcImplementation> = globalThis, budget: RoomByteBudget | null = null): WebrtcImplementation | null {
  const { RTCPeerConnection: NativePeerConnection, RTCSessionDescription, RTCIceCandidate } = native
  if (!NativePeerConnection || !RTCSessionDescription || !RTCIceCandidate) return null
  // A function called with `new` that returns an object yields that object: the real peer
  // connection, with only `createDataChannel` and incoming channels wrapped.
  const ChunkingPeerConnection = function (config?: RTCConfiguration): RTCPeerConnection {
    const pc = new NativePeerConnection(config)
    const createDataChannel = pc.createDataChannel.bind(pc)
    pc.createDataChannel = (label, init) => chunkChannel(createDataChannel(label, init), pc, console.warn, budget)
    // Registered before simple-peer sets `ondatachannel`, so it runs first.
    pc.addEventListener('datachannel', (event) => chunkChannel(event.channel, pc, console.warn, budget))
    return pc
  } as unknown as typeof RTCPeerConnection
  return { RTCPeerConnection: ChunkingPeerConnection, RTCSessionDescription, RTCIceCandidate }
}
