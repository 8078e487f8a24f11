import { describe, expect, it } from 'vitest'
import { ChunkAssembler, CHUNK_MARKER, isFrame, MAX_FRAME_PAYLOAD, splitMessage } from './messageChunks'

function bytes(length: number, seed = 1): Uint8Array {
  const data = new Uint8Array(length)
  let x = seed
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    data[i] = x >>> 24
  }
  return data
}

function roundTrip(message: Uint8Array, maxPayload?: number): Uint8Array[] {
  const assembler = new ChunkAssembler((reason) => {
    throw new Error(reason)
  })
  const out: Uint8Array[] = []
  for (const frame of splitMessage(message, maxPayload)) {
    if (!isFrame(frame)) out.push(frame)
    else {
      const whole = assembler.push(frame)
      if (whole) out.push(whole)
    }
  }
  return out
}

describe('splitMessage / ChunkAssembler', () => {
  it('leaves messages that fit in one frame as they are', () => {
    const message = Uint8Array.of(0, 1, 2)
    expect(splitMessage(message)).toEqual([message])
    expect(splitMessage(bytes(MAX_FRAME_PAYLOAD)).length).toBe(1)
  })

  it('splits larger messages into frames no larger than a frame, and joins them back', () => {
    for (const length of [MAX_FRAME_PAYLOAD + 1, 3 * MAX_FRAME_PAYLOAD, 3 * MAX_FRAME_PAYLOAD + 7, 2 ** 20 + 3]) {
      const message = bytes(length, length)
      const frames = splitMessage(message)
      expect(frames.length).toBe(Math.ceil(length / MAX_FRAME_PAYLOAD))
      for (const frame of frames) {
        expect(frame[0]).toBe(CHUNK_MARKER)
        expect(frame.byteLength).toBeLessThanOrEqual(MAX_FRAME_PAYLOAD + 16)
      }
      const [back, ...rest] = roundTrip(message)
      expect(rest).toEqual([])
      expect(Buffer.from(back as Uint8Array).equals(message)).toBe(true)
    }
  })

  it('frames a message that starts with the marker byte, even a small or empty one', () => {
    const marked = Uint8Array.of(CHUNK_MARKER, 1, 2)
    expect(splitMessage(marked)).toHaveLength(1)
    expect(isFrame(splitMessage(marked)[0] as Uint8Array)).toBe(true)
    expect(roundTrip(marked)).toEqual([marked])
    expect(roundTrip(new Uint8Array(0))).toEqual([new Uint8Array(0)])
  })

  it('drops a message whose frames come out of place, says why, and reads the next one', () => {
    const errors: string[] = []
    const assembler = new ChunkAssembler((reason) => errors.push(reason))
    const [first, second, third] = splitMessage(bytes(30, 3), 10) as [Uint8Array, Uint8Array, Uint8Array]
    expect(assembler.push(first)).toBeNull()
    expect(assembler.push(third)).toBeNull()
    expect(errors).toHaveLength(1)
    expect(assembler.push(second)).toBeNull()
    expect(errors).toHaveLength(2)

    // A first frame in the middle of another message starts over with the new message.
    const next = bytes(25, 4)
    const frames = splitMessage(next, 10)
    expect(assembler.push(first)).toBeNull()
    let whole: Uint8Array | null = null
    for (const frame of frames) whole = assembler.push(frame)
    expect(errors).toHaveLength(3)
    expect(whole).toEqual(next)

    expect(assembler.push(Uint8Array.of(CHUNK_MARKER))).toBeNull()
    expect(assembler.push(Uint8Array.of(CHUNK_MARKER, 2, 2))).toBeNull()
    expect(errors).toHaveLength(5)
  })
})
