import { ChunkAssembler, isFrame, splitMessage } from './messageChunks'

/**
 * Bytes queued in a data channel above which further frames wait in memory until it drains.
 * NOTE: Chromium refuses sends once 16 MiB are queued; a large document's sync is sent in one go.
 */
export const SEND_HIGH_WATER_BYTES = 4 * 2 ** 20

/** The WebRTC classes simple-peer uses (its `wrtc` option). */
export interface WebrtcImplementation {
  RTCPeerConnection: typeof RTCPeerConnection
  RTCSessionDescription: typeof RTCSessionDescription
  RTCIceCandidate: typeof RTCIceCandidate
}

type Channel = Pick<RTCDataChannel, 'send' | 'readyState' | 'bufferedAmount' | 'addEventListener' | 'onmessage'>

const chunked = new WeakSet<object>()

/** Messages passed to `send` on every chunked data channel of this process (a debug counter). */
export const dataChannelSends = { messages: 0, bytes: 0 }

/** Takes a whole received message before the channel's handler sees it; true: taken. */
export type MessageTap = (data: Uint8Array) => boolean

// NOTE: per-peer-connection taps, for v2 rooms' signed sync (see `tapPeerConnection`).
const taps = new WeakMap<object, MessageTap>()

/**
 * Routes every whole binary message received on `pc`'s data channels through `tap` first; what
 * it takes never reaches simple-peer (or y-webrtc). `pc` is one made by {@link chunkingRtc}.
 * Returns the function that removes the tap.
 */
export function tapPeerConnection(pc: object, tap: MessageTap): () => void {
  taps.set(pc, tap)
  return () => {
    if (taps.get(pc) === tap) taps.delete(pc)
  }
}

/**
 * The `onmessage` setter of a data channel: an accessor in browsers. NOTE: @roamhq/wrtc (Node)
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
 * Makes one data channel carry messages of any size: `send` splits what is larger than a frame
 * (see `splitMessage`) and holds frames back while the channel's buffer is full, in order; the
 * `onmessage` handler receives whole messages again. It changes the channel object itself, once,
 * so whoever holds it (simple-peer) sees no difference. Listeners added with
 * `addEventListener('message')` see raw frames. Frames are recognised in binary messages received
 * as ArrayBuffers (`binaryType = 'arraybuffer'`, which simple-peer sets).
 */
export function chunkChannel<T extends Channel>(
  channel: T,
  warn: (message: string) => void = console.warn,
  tapOf: () => MessageTap | undefined = () => undefined,
): T {
  if (chunked.has(channel)) return channel
  chunked.add(channel)

  const nativeSend = channel.send.bind(channel) as (data: Uint8Array | string | Blob | ArrayBuffer) => void
  const queue: (Uint8Array | string | Blob)[] = []
  const drain = (): void => {
    while (queue.length > 0 && channel.readyState === 'open' && channel.bufferedAmount < SEND_HIGH_WATER_BYTES) {
      nativeSend(queue.shift() as Uint8Array)
    }
    if (queue.length > 0 && (channel.readyState === 'closing' || channel.readyState === 'closed')) {
      warn(`[meshpad] data channel closed with ${queue.length} frames unsent; the peers sync again when they reconnect`)
      queue.length = 0
    }
  }
  channel.addEventListener('bufferedamountlow', drain)

  channel.send = ((data: string | Blob | ArrayBuffer | ArrayBufferView) => {
    dataChannelSends.messages++
    dataChannelSends.bytes += typeof data === 'string' ? data.length : data instanceof Blob ? data.size : data.byteLength
    const frames =
      typeof data === 'string' || data instanceof Blob
        ? [data]
        : splitMessage(data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    // NOTE: a channel that is not open throws here, as it would have without frames.
    if ((queue.length === 0 && frames.length === 1) || channel.readyState !== 'open') {
      nativeSend(frames[0] as Uint8Array)
      frames.shift()
      if (frames.length === 0) return
    }
    queue.push(...frames)
    drain()
  }) as T['send']

  const assembler = new ChunkAssembler((reason) => warn(`[meshpad] dropped a malformed data-channel message: ${reason}`))
  const native = accessor(channel, 'onmessage')
  let handler: ((event: MessageEvent) => void) | null = null
  const receive = (event: MessageEvent): void => {
    const data: unknown = event.data
    if (!(data instanceof ArrayBuffer) || !isFrame(new Uint8Array(data))) {
      if (data instanceof ArrayBuffer && tapOf()?.(new Uint8Array(data)) === true) return
      handler?.call(channel, event)
      return
    }
    const message = assembler.push(new Uint8Array(data))
    if (message === null || tapOf()?.(message) === true) return
    handler?.call(channel, new MessageEvent('message', { data: message.buffer }))
  }
  Object.defineProperty(channel, 'onmessage', {
    configurable: true,
    enumerable: true,
    // NOTE: where the platform reads the property itself to dispatch, it must read `receive`.
    get: () => (native === null && handler !== null ? receive : handler),
    set: (next: ((event: MessageEvent) => void) | null) => {
      handler = next
      native?.set?.call(channel, next ? receive : null)
    },
  })
  return channel
}

/**
 * simple-peer's `wrtc` option: the browser's WebRTC, with every data channel passed through
 * `chunkChannel`, so y-webrtc can send a document of any size. Null where there is no WebRTC.
 */
export function chunkingRtc(native: Partial<WebrtcImplementation> = globalThis): WebrtcImplementation | null {
  const { RTCPeerConnection: NativePeerConnection, RTCSessionDescription, RTCIceCandidate } = native
  if (!NativePeerConnection || !RTCSessionDescription || !RTCIceCandidate) return null
  // NOTE: a function called with `new` that returns an object yields that object: the real peer
  // connection, with only `createDataChannel` and incoming channels wrapped.
  const ChunkingPeerConnection = function (config?: RTCConfiguration): RTCPeerConnection {
    const pc = new NativePeerConnection(config)
    const createDataChannel = pc.createDataChannel.bind(pc)
    const tapOf = (): MessageTap | undefined => taps.get(pc)
    pc.createDataChannel = (label, init) => chunkChannel(createDataChannel(label, init), console.warn, tapOf)
    // Registered before simple-peer sets `ondatachannel`, so it runs first.
    pc.addEventListener('datachannel', (event) => chunkChannel(event.channel, console.warn, tapOf))
    return pc
  } as unknown as typeof RTCPeerConnection
  return { RTCPeerConnection: ChunkingPeerConnection, RTCSessionDescription, RTCIceCandidate }
}
