import { chunkChannel } from '../../chunkingRtc'
import type { WebrtcConn } from '../../PeerLinks'
import type { MessageLayer } from '../MessageLayer'

/**
 * One end of a data channel in memory, for tests and benchmarks of the message layer: what is
 * sent waits in `wire` until `flush` delivers it to the other end, in order. It counts what it
 * carried, raw frames included.
 */
export class MemoryChannel extends EventTarget {
  readyState: RTCDataChannelState = 'open'
  bufferedAmount = 0
  onmessage: ((event: MessageEvent) => void) | null = null
  other: MemoryChannel | null = null
  readonly wire: ArrayBuffer[] = []
  bytesSent = 0
  send(data: Uint8Array): void {
    this.bytesSent += data.byteLength
    this.wire.push(data.slice().buffer)
  }
  flush(): void {
    for (const data of this.wire.splice(0)) this.other?.onmessage?.(new MessageEvent('message', { data }))
  }
}

/** Bytes straight onto the wire, as a tampered peer sends them (the channel's own `send` is the layer's). */
export function sendRaw(channel: MemoryChannel, data: Uint8Array): void {
  MemoryChannel.prototype.send.call(channel, data)
}

/** A connection as y-webrtc hands it to the layer: up, with a simple-peer whose `destroy` is noted. */
export type MemoryConn = WebrtcConn & { destroyed: boolean }

/** A connection as y-webrtc hands it over, over the channel of peer connection `pc`. */
export function memoryConn(pc: object): MemoryConn {
  const peer = {
    _pc: pc as RTCPeerConnection,
    on: () => peer,
    removeListener: () => peer,
    listenerCount: () => 0,
    send: () => {},
    destroy: () => void (conn.destroyed = true),
  }
  const conn = { connected: true, closed: false, peer, destroyed: false }
  return conn
}

/** Links layer `x` (known to `y` as `xId`) and layer `y` (known to `x` as `yId`) over memory channels. */
export function linkLayers(
  x: MessageLayer,
  xId: string,
  y: MessageLayer,
  yId: string,
): { xEnd: MemoryChannel; yEnd: MemoryChannel; xConn: MemoryConn; yConn: MemoryConn } {
  const { xEnd, yEnd, xConn, yConn } = memoryLink()
  x.attach(yId, xConn)
  y.attach(xId, yConn)
  return { xEnd, yEnd, xConn, yConn }
}

/** Two ends of a data channel in memory, each with the connection a message layer attaches. */
export function memoryLink(): { xEnd: MemoryChannel; yEnd: MemoryChannel; xConn: MemoryConn; yConn: MemoryConn } {
  const [xPc, yPc] = [{}, {}]
  const xEnd = chunkChannel(new MemoryChannel(), xPc)
  const yEnd = chunkChannel(new MemoryChannel(), yPc)
  xEnd.other = yEnd
  yEnd.other = xEnd
  return { xEnd, yEnd, xConn: memoryConn(xPc), yConn: memoryConn(yPc) }
}

/** Delivers what is on the wire both ways until nothing moves (at most `rounds` times). */
export function flushAll(channels: readonly MemoryChannel[], rounds = 10): void {
  for (let i = 0; i < rounds; i++) for (const channel of channels) channel.flush()
}
