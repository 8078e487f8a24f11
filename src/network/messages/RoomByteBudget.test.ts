import { describe, expect, it } from 'vitest'
import { chunkChannel, ownPeerConnection, SEND_HIGH_WATER_BYTES, type ChannelSender } from '../chunkingRtc'
import { MAX_FRAME_PAYLOAD, splitMessage } from '../messageChunks'
import { LinkBudgetError } from './linkBudget'
import { RoomByteBudget } from './RoomByteBudget'

/** A data channel as chunkChannel uses one; `close()` ends it as a real one does. */
class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'open'
  bufferedAmount = 0
  onmessage: ((event: MessageEvent) => void) | null = null
  send(): void {}
  /** A frame arriving from the other end. */
  arrive(frame: Uint8Array): void {
    this.onmessage?.(new MessageEvent('message', { data: frame.slice().buffer }))
  }
  close(): void {
    this.readyState = 'closed'
    this.dispatchEvent(new Event('close'))
  }
}

/** One link of a room whose channels share `budget`. */
function link(budget: RoomByteBudget): { channel: FakeChannel; sender: ChannelSender; violations: string[] } {
  const pc = {}
  const channel = chunkChannel(new FakeChannel(), pc, () => {}, budget)
  const violations: string[] = []
  const { sender } = ownPeerConnection(pc, { receive: () => {}, violation: (reason) => violations.push(reason) })
  return { channel, sender, violations }
}

const P = MAX_FRAME_PAYLOAD

describe('RoomByteBudget', () => {
  it('holds the messages being joined on all of one room’s links to the budget: the link that breaks it is the one closed', () => {
    const budget = new RoomByteBudget(4 * P)
    const a = link(budget)
    const b = link(budget)
    // A sends three frames of a five-frame message and stops: the room holds them.
    for (const frame of splitMessage(new Uint8Array(5 * P)).slice(0, 3)) a.channel.arrive(frame)
    expect(budget.held).toBe(3 * P)
    // B's message would take the room past its budget: B breaks it, A keeps its part.
    for (const frame of splitMessage(new Uint8Array(2 * P))) b.channel.arrive(frame)
    expect(b.violations).toEqual([expect.stringContaining('the room holds')])
    expect(a.violations).toEqual([])
    expect(budget.held).toBe(3 * P)
    // A closed channel gives back what it held.
    a.channel.close()
    expect(budget.held).toBe(0)
    for (const frame of splitMessage(new Uint8Array(2 * P))) b.channel.arrive(frame)
    expect(budget.held).toBe(0)
    expect(b.violations).toHaveLength(1)
  })

  it('holds the frames waiting to be sent on all of one room’s links to the budget', () => {
    const budget = new RoomByteBudget(4 * P + 64)
    const a = link(budget)
    const b = link(budget)
    // Both channels' buffers are full: frames wait in memory.
    a.channel.bufferedAmount = b.channel.bufferedAmount = SEND_HIGH_WATER_BYTES
    a.sender.send(new Uint8Array(3 * P))
    expect(budget.held).toBeGreaterThan(3 * P)
    expect(() => b.sender.send(new Uint8Array(2 * P))).toThrow(LinkBudgetError)
    // Sent frames are given back as the buffer drains, and a closed channel gives back the rest.
    a.channel.bufferedAmount = 0
    a.channel.dispatchEvent(new Event('bufferedamountlow'))
    expect(budget.held).toBe(0)
    b.sender.send(new Uint8Array(2 * P))
    expect(budget.held).toBeGreaterThan(2 * P)
    b.channel.close()
    expect(budget.held).toBe(0)
  })

  it('takes nothing past its max, and gives back no more than it holds', () => {
    const budget = new RoomByteBudget(10)
    expect(budget.take(6)).toBe(true)
    expect(budget.take(5)).toBe(false)
    expect(budget.held).toBe(6)
    budget.release(100)
    expect(budget.held).toBe(0)
  })
})
