import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/**
 * A list of messages as one byte string and back (a count, then each message with its length),
 * for stores that keep one value per key. Decoding never throws: stored bytes that do not read
 * as such a list give [] (the caller verifies every message anyway).
 */
export const signedLogBytes = {
  encode(messages: readonly Uint8Array[]): Uint8Array {
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, messages.length)
    for (const message of messages) encoding.writeVarUint8Array(encoder, message)
    return encoding.toUint8Array(encoder)
  },
  decode(bytes: Uint8Array): Uint8Array[] {
    try {
      const decoder = decoding.createDecoder(bytes)
      const count = decoding.readVarUint(decoder)
      const messages: Uint8Array[] = []
      for (let i = 0; i < count; i++) messages.push(decoding.readVarUint8Array(decoder).slice())
      return decoding.hasContent(decoder) ? [] : messages
    } catch {
      return []
    }
  },
}
