import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { MAX_MESSAGE_BYTES } from './messages/linkBudget'
import type { RoomByteBudget } from './messages/RoomByteBudget'

/**
 * Splitting data-channel messages into frames every browser delivers, and joining them again.
 *
 * A frame is `0xFF, varuint index, varuint count, payload`. y-webrtc's messages start with their
 * type as a varuint below 128, so a first byte of 0xFF never starts one; a message that does
 * anyway is sent as frames too, so a receiver reads every message starting with 0xFF as a frame.
 */
export const CHUNK_MARKER = 0xff

/**
 * Largest payload per frame. Data channels drop messages above the size both ends
 * negotiated (256 KiB in Chromium, 64 KiB in some browsers, 16 KiB being the interoperable
 * size); bigger ones fail to send or are lost, so a large document's sync never arrives.
 */
export const MAX_FRAME_PAYLOAD = 16 * 1024 - 16


/** The frames to send for `message`: the message itself when it needs no framing. */
export function splitMessage(message: Uint8Array, maxPayload = MAX_FRAME_PAYLOAD): Uint8Array[] {
  if (message.byteLength <= maxPayload && message[0] !== CHUNK_MARKER) return [message]
  const count = Math.max(1, Math.ceil(message.byteLength / maxPayload))
  const frames: Uint8Array[] = []
  for (let index = 0; index < count; index++) {
    const encoder = encoding.createEncoder()
    encoding.writeUint8(encoder, CHUNK_MARKER)
    encoding.writeVarUint(encoder, index)
    encoding.writeVarUint(encoder, count)
    encoding.writeUint8Array(encoder, message.subarray(index * maxPayload, (index + 1) * maxPayload))
    frames.push(encoding.toUint8Array(encoder))
  }
  return frames
}

/** Whether a received message is a frame (see {@link splitMessage}). */
export function isFrame(data: Uint8Array): boolean {
  return data[0] === CHUNK_MARKER
}

/**
 * Joins the frames received on one ordered data channel. One message's frames arrive together
 * and in order (they are sent in one go, and a data channel is ordered), so a frame out of place
 * means a broken peer: the partial message is dropped and `onError` says why.
 */
export class ChunkAssembler {
  private parts: Uint8Array[] = []
  private expectedCount = 0
  private bytes = 0

  /** `budget`: the room's held bytes, which the message's frames count against while it is joined. */
  constructor(
    private readonly onError: (reason: string) => void = () => {},
    private readonly budget: RoomByteBudget | null = null,
  ) {}

  /** Takes a frame; returns the whole message once its last frame is in, else null. */
  push(frame: Uint8Array): Uint8Array | null {
    let index: number
    let count: number
    let payload: Uint8Array
    try {
      const decoder = decoding.createDecoder(frame)
      if (decoding.readUint8(decoder) !== CHUNK_MARKER) throw new Error('not a frame')
      index = decoding.readVarUint(decoder)
      count = decoding.readVarUint(decoder)
      payload = frame.subarray(decoder.pos)
    } catch {
      return this.fail('unreadable frame header')
    }
    if (count === 0 || index >= count) return this.fail(`frame ${index} of ${count}`)
    if (count > Math.ceil(MAX_MESSAGE_BYTES / MAX_FRAME_PAYLOAD)) return this.fail(`message of ${count} frames, over ${MAX_MESSAGE_BYTES} bytes`)
    if (index !== this.parts.length || (index > 0 && count !== this.expectedCount)) {
      const reason = `frame ${index} of ${count} after ${this.parts.length} of ${this.expectedCount}`
      // A first frame starts a new message; anything else out of place is dropped with it.
      if (index !== 0) return this.fail(reason)
      this.fail(reason)
    }
    if (this.bytes + payload.byteLength > MAX_MESSAGE_BYTES) return this.fail(`message over ${MAX_MESSAGE_BYTES} bytes`)
    if (this.budget !== null && !this.budget.take(payload.byteLength)) return this.fail(`the room holds ${this.budget.held} bytes already`)
    this.bytes += payload.byteLength
    this.expectedCount = count
    this.parts.push(payload)
    if (this.parts.length < count) return null
    const message = new Uint8Array(this.bytes)
    let offset = 0
    for (const part of this.parts) {
      message.set(part, offset)
      offset += part.byteLength
    }
    this.reset()
    return message
  }

  private fail(reason: string): null {
    this.reset()
    this.onError(reason)
    return null
  }

  /** Drops the message being joined (its channel closed). */
  discard(): void {
    this.reset()
  }

  private reset(): void {
    this.budget?.release(this.bytes)
    this.parts = []
    this.expectedCount = 0
    this.bytes = 0
  }
}
