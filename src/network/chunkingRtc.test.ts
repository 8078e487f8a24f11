import { describe, expect, it } from 'vitest'
import { chunkChannel, chunkingRtc, ownPeerConnection, SEND_HIGH_WATER_BYTES, type ChannelSender } from './chunkingRtc'
import { LinkBudgetError, MAX_SEND_QUEUE_BYTES } from './messages/linkBudget'
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
    // Like a real channel, it copies what it is given.
    if (typeof data === 'string') this.wire.push(data)
    else if (data instanceof ArrayBuffer) this.wire.push(data.slice(0))
    else this.wire.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer)
  }

  /** Delivers everything sent so far to `to`'s message handler, in order. */
  deliverTo(to: FakeChannel): void {
    for (const data of this.wire.splice(0)) to.handler?.(new MessageEvent('message', { data }))
  }
}

interface End {
  readonly channel: FakeChannel
  readonly sender: ChannelSender
  readonly received: Uint8Array[]
  readonly violations: string[]
}

function end(warnings: string[]): End {
  const pc = {}
  const channel = chunkChannel(new FakeChannel(), pc, (w: string) => warnings.push(w))
  const received: Uint8Array[] = []
  const violations: string[] = []
  const { sender } = ownPeerConnection(pc, { receive: (data) => received.push(data), violation: (reason) => violations.push(reason) })
  return { channel, sender, received, violations }
}

function pair(): { a: End; b: End; warnings: string[] } {
  const warnings: string[] = []
  return { a: end(warnings), b: end(warnings), warnings }
}

function message(length: number, first = 0): Uint8Array {
  const data = new Uint8Array(length).map((_, i) => (i * 31 + length) & 0xff)
  if (length > 0) data[0] = first
  return data
}

describe('chunkChannel', () => {
  it("sends its owner's messages of any size, each arriving whole and in order at the other owner", () => {
    const { a, b, warnings } = pair()
    const sent = [message(3), message(MAX_FRAME_PAYLOAD * 5 + 11, 1), message(1, 0xff), message(2 ** 20)]
    for (const data of sent) a.sender.send(data)
    expect(a.channel.wire.length).toBeGreaterThan(sent.length)
    for (const frame of a.channel.wire) expect(typeof frame === 'string' || frame.byteLength <= MAX_FRAME_PAYLOAD + 16).toBe(true)
    a.channel.deliverTo(b.channel)
    expect(b.received).toEqual(sent)
    expect(warnings).toEqual([])
  })

  it("takes the channel from simple-peer: its sends never reach the wire and its handler never runs", () => {
    const { a, b } = pair()
    const seenBySimplePeer: unknown[] = []
    b.channel.onmessage = (event) => seenBySimplePeer.push(event.data)
    a.channel.send(message(10))
    expect(a.channel.wire).toHaveLength(0)
    a.sender.send(message(4))
    a.channel.deliverTo(b.channel)
    expect(seenBySimplePeer).toEqual([])
    expect(b.received).toEqual([message(4)])
  })

  it('holds frames back while the channel buffer is full, and keeps later messages behind them', () => {
    const { a, b } = pair()
    a.channel.bufferedAmount = SEND_HIGH_WATER_BYTES
    const big = message(MAX_FRAME_PAYLOAD * 3)
    a.sender.send(big)
    a.sender.send(message(5))
    expect(a.channel.wire).toHaveLength(0)
    a.channel.bufferedAmount = 0
    a.channel.dispatchEvent(new Event('bufferedamountlow'))
    a.channel.deliverTo(b.channel)
    expect(b.received).toEqual([big, message(5)])
  })

  it('refuses a send that would hold more than the send-queue budget in memory', () => {
    const { a } = pair()
    a.channel.bufferedAmount = SEND_HIGH_WATER_BYTES
    const chunk = message(4 * 2 ** 20)
    for (let sent = 0; sent + chunk.byteLength <= MAX_SEND_QUEUE_BYTES; sent += chunk.byteLength + 1024) a.sender.send(chunk)
    expect(() => a.sender.send(chunk)).toThrow(LinkBudgetError)
    expect(a.sender.queuedBytes).toBeLessThanOrEqual(MAX_SEND_QUEUE_BYTES + SEND_HIGH_WATER_BYTES)
  })

  it('fails like a closed channel does, and drops what is held back when the channel closes', () => {
    const { a, warnings } = pair()
    a.channel.readyState = 'closed'
    expect(() => a.sender.send(message(3))).toThrow(/closed/)
    expect(() => a.sender.send(message(MAX_FRAME_PAYLOAD * 2))).toThrow(/closed/)

    a.channel.readyState = 'open'
    a.channel.bufferedAmount = SEND_HIGH_WATER_BYTES
    a.sender.send(message(MAX_FRAME_PAYLOAD * 2))
    a.channel.readyState = 'closing'
    a.channel.dispatchEvent(new Event('bufferedamountlow'))
    expect(warnings.join()).toMatch(/closed with 2 frames unsent/)
  })

  it('reports frames out of place to the owner as a violation', () => {
    const { a, b } = pair()
    a.sender.send(message(MAX_FRAME_PAYLOAD * 3))
    a.channel.wire.splice(1, 1)
    a.channel.deliverTo(b.channel)
    expect(b.received).toEqual([])
    expect(b.violations.join()).toMatch(/malformed frames/)
  })

  it('holds what arrives before the connection has an owner, and hands it over in order', async () => {
    const pc = {}
    const channel = chunkChannel(new FakeChannel(), pc)
    const from = end([])
    from.sender.send(message(7))
    from.sender.send(message(8))
    from.channel.deliverTo(channel)
    const received: Uint8Array[] = []
    ownPeerConnection(pc, { receive: (data) => received.push(data), violation: () => {} })
    await Promise.resolve()
    expect(received).toEqual([message(7), message(8)])
  })

  it('wraps a channel once', () => {
    const channel = new FakeChannel()
    const pc = {}
    expect(chunkChannel(chunkChannel(channel, pc), pc)).toBe(channel)
  })
})

describe('chunkingRtc', () => {
  it('is null where there is no WebRTC', () => {
    expect(chunkingRtc({})).toBeNull()
  })

  it('wraps the channels a peer connection creates and receives', () => {
    class FakePeerConnection extends EventTarget {
      createDataChannel(): FakeChannel {
        return new FakeChannel()
      }
    }
    const rtc = chunkingRtc({
      RTCPeerConnection: FakePeerConnection as unknown as typeof RTCPeerConnection,
      RTCSessionDescription: class {} as unknown as typeof RTCSessionDescription,
      RTCIceCandidate: class {} as unknown as typeof RTCIceCandidate,
    })
    if (!rtc) throw new Error('expected an implementation')
    const sending = new rtc.RTCPeerConnection()
    expect(sending).toBeInstanceOf(FakePeerConnection)
    const outgoing = sending.createDataChannel('data') as unknown as FakeChannel
    ownPeerConnection(sending, { receive: () => {}, violation: () => {} }).sender.send(message(MAX_FRAME_PAYLOAD * 2))
    expect(outgoing.wire).toHaveLength(2)

    const receiving = new rtc.RTCPeerConnection()
    const incoming = new FakeChannel()
    receiving.dispatchEvent(Object.assign(new Event('datachannel'), { channel: incoming }))
    const received: Uint8Array[] = []
    ownPeerConnection(receiving, { receive: (data) => received.push(data), violation: () => {} })
    outgoing.deliverTo(incoming)
    expect(received).toEqual([message(MAX_FRAME_PAYLOAD * 2)])
  })
})
