import { describe, expect, it } from 'vitest'
import { chunkChannel, chunkingRtc, SEND_HIGH_WATER_BYTES } from './chunkingRtc'
import { MAX_FRAME_PAYLOAD } from './messageChunks'

/** A data channel as far as simple-peer uses one: `send`, `onmessage`, buffer, state. */
class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'open'
  bufferedAmount = 0
  readonly wire: (ArrayBuffer | string)[] = []
  private handler: ((event: MessageEvent) => void) | null = null

  get onmessage(): ((event: MessageEvent) => void) | null {
    return this.handler
  }
  set onmessage(handler: ((event: MessageEvent) => void) | null) {
    this.handler = handler
  }

  send(data: string | Blob | ArrayBuffer | ArrayBufferView): void {
    if (this.readyState !== 'open') throw new Error(`InvalidStateError: channel is ${this.readyState}`)
    if (data instanceof Blob) throw new Error('no Blobs here')
    // NOTE: like a real channel, it copies what it is given.
    if (typeof data === 'string') this.wire.push(data)
    else if (data instanceof ArrayBuffer) this.wire.push(data.slice(0))
    else this.wire.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer)
  }

  /** Delivers everything sent so far to `to`'s message handler, in order. */
  deliverTo(to: FakeChannel): void {
    for (const data of this.wire.splice(0)) to.handler?.(new MessageEvent('message', { data }))
  }
}

function pair(): { a: FakeChannel; b: FakeChannel; received: (ArrayBuffer | string)[]; warnings: string[] } {
  const warnings: string[] = []
  const a = chunkChannel(new FakeChannel(), (w) => warnings.push(w))
  const b = chunkChannel(new FakeChannel(), (w) => warnings.push(w))
  const received: (ArrayBuffer | string)[] = []
  // As simple-peer does: the handler is set after the channel was created.
  b.onmessage = (event) => received.push(event.data as ArrayBuffer | string)
  return { a, b, received, warnings }
}

function message(length: number, first = 0): Uint8Array {
  const data = new Uint8Array(length).map((_, i) => (i * 31 + length) & 0xff)
  if (length > 0) data[0] = first
  return data
}

describe('chunkChannel', () => {
  it('sends messages of any size, each arriving whole and in order', () => {
    const { a, b, received, warnings } = pair()
    const sent = [message(3), message(MAX_FRAME_PAYLOAD * 5 + 11, 1), 'text', message(1, 0xff), message(2 ** 20)]
    for (const data of sent) a.send(data)
    expect(a.wire.length).toBeGreaterThan(sent.length)
    for (const frame of a.wire) expect(typeof frame === 'string' || frame.byteLength <= MAX_FRAME_PAYLOAD + 16).toBe(true)
    a.deliverTo(b)
    expect(received).toHaveLength(sent.length)
    received.forEach((data, i) => {
      const expected = sent[i] as Uint8Array | string
      if (typeof expected === 'string') expect(data).toBe(expected)
      else expect(Buffer.from(data as ArrayBuffer).equals(expected)).toBe(true)
    })
    expect(warnings).toEqual([])
    expect(b.onmessage).toBeTypeOf('function')
  })

  it('holds frames back while the channel buffer is full, and keeps later messages behind them', () => {
    const { a, b, received } = pair()
    a.bufferedAmount = SEND_HIGH_WATER_BYTES
    const big = message(MAX_FRAME_PAYLOAD * 3)
    a.send(big)
    a.send(message(5))
    expect(a.wire).toHaveLength(0)
    a.bufferedAmount = 0
    a.dispatchEvent(new Event('bufferedamountlow'))
    a.deliverTo(b)
    expect(received.map((data) => new Uint8Array(data as ArrayBuffer))).toEqual([big, message(5)])
  })

  it('fails like a closed channel does, and drops what is held back when the channel closes', () => {
    const { a, warnings } = pair()
    a.readyState = 'closed'
    expect(() => a.send(message(3))).toThrow(/closed/)
    expect(() => a.send(message(MAX_FRAME_PAYLOAD * 2))).toThrow(/closed/)

    a.readyState = 'open'
    a.bufferedAmount = SEND_HIGH_WATER_BYTES
    a.send(message(MAX_FRAME_PAYLOAD * 2))
    a.readyState = 'closing'
    a.dispatchEvent(new Event('bufferedamountlow'))
    expect(warnings.join()).toMatch(/closed with 2 frames unsent/)
  })

  it('wraps a channel once', () => {
    const channel = new FakeChannel()
    expect(chunkChannel(chunkChannel(channel))).toBe(channel)
  })
})

describe('chunkingRtc', () => {
  it('is null where there is no WebRTC', () => {
    expect(chunkingRtc({})).toBeNull()
  })

  it('wraps the channels a peer connection creates and receives', () => {
    const created: FakeChannel[] = []
    class FakePeerConnection extends EventTarget {
      createDataChannel(): FakeChannel {
        const channel = new FakeChannel()
        created.push(channel)
        return channel
      }
    }
    const rtc = chunkingRtc({
      RTCPeerConnection: FakePeerConnection as unknown as typeof RTCPeerConnection,
      RTCSessionDescription: class {} as unknown as typeof RTCSessionDescription,
      RTCIceCandidate: class {} as unknown as typeof RTCIceCandidate,
    })
    if (!rtc) throw new Error('expected an implementation')
    const pc = new rtc.RTCPeerConnection()
    expect(pc).toBeInstanceOf(FakePeerConnection)
    const outgoing = pc.createDataChannel('data') as unknown as FakeChannel
    outgoing.send(message(MAX_FRAME_PAYLOAD * 2))
    expect(outgoing.wire).toHaveLength(2)

    const incoming = new FakeChannel()
    const event = Object.assign(new Event('datachannel'), { channel: incoming })
    pc.dispatchEvent(event)
    const received: unknown[] = []
    incoming.onmessage = (e) => received.push(e.data)
    outgoing.deliverTo(incoming)
    expect(received.map((data) => new Uint8Array(data as ArrayBuffer))).toEqual([message(MAX_FRAME_PAYLOAD * 2)])
  })
})
