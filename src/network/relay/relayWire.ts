import * as buffer from 'lib0/buffer'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'

/**
 * The relay of last resort's wire format (see `ServerRelay`). The server forwards `data` of a
 * `relay` frame (signaling/protocol.ts) to the room's other subscribers without reading it.
 *
 * `data` is base64 of AES-GCM under the room's signaling key (the key y-webrtc encrypts signaling
 * with): 12 bytes of IV, then the ciphertext of an envelope:
 * `varuint version (1), varstring from, varstring to ('' = everyone), varuint kind, varbytes body`.
 * - kind `hello`: `body` is the sender's ECDH P-256 public key (65 bytes, uncompressed) and then
 *   its direct link count (varuint). A peer that wants the relay says hello to everyone; one that
 *   takes it up answers with a hello to it.
 * - kind `link`: `body` is AES-GCM under the pair's key (ECDH of the two hellos' keys): 12 bytes of
 *   IV, then the ciphertext of `varuint seq, varuint frameKind, varbytes payload`. `seq` counts the
 *   sender's link frames from 0: a frame out of sequence (a replay) is dropped. frameKind `data`
 *   carries a frame of a message-layer message (see `splitMessage`); `ping` keeps the link alive;
 *   `bye` ends it.
 *
 * Anyone with the room key can write a hello under any peer id; only the two ends of a pair can
 * write its link frames.
 */
export const RELAY_WIRE_VERSION = 1

export const ENVELOPE = { hello: 0, link: 1 } as const
export const LINK_FRAME = { data: 0, ping: 1, bye: 2 } as const

export interface Envelope {
  readonly from: string
  readonly to: string
  readonly kind: number
  readonly body: Uint8Array
}

/** Longest peer id taken from an envelope (y-webrtc's are 36-character UUIDs). */
const MAX_PEER_ID_LENGTH = 64

const IV_BYTES = 12

export function encodeEnvelope(envelope: Envelope): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, RELAY_WIRE_VERSION)
  encoding.writeVarString(encoder, envelope.from)
  encoding.writeVarString(encoder, envelope.to)
  encoding.writeVarUint(encoder, envelope.kind)
  encoding.writeVarUint8Array(encoder, envelope.body)
  return encoding.toUint8Array(encoder)
}

/** The envelope in `bytes`, or null when it is malformed or of another version (hostile input). */
export function decodeEnvelope(bytes: Uint8Array): Envelope | null {
  try {
    const decoder = decoding.createDecoder(bytes)
    if (decoding.readVarUint(decoder) !== RELAY_WIRE_VERSION) return null
    const from = decoding.readVarString(decoder)
    const to = decoding.readVarString(decoder)
    const kind = decoding.readVarUint(decoder)
    const body = decoding.readVarUint8Array(decoder)
    if (from === '' || from.length > MAX_PEER_ID_LENGTH || to.length > MAX_PEER_ID_LENGTH) return null
    return { from, to, kind, body }
  } catch {
    return null
  }
}

export function encodeHello(publicKey: Uint8Array, links: number): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint8Array(encoder, publicKey)
  encoding.writeVarUint(encoder, links)
  return encoding.toUint8Array(encoder)
}

export function decodeHello(body: Uint8Array): { publicKey: Uint8Array; links: number } | null {
  try {
    const decoder = decoding.createDecoder(body)
    const publicKey = decoding.readVarUint8Array(decoder)
    const links = decoding.readVarUint(decoder)
    return publicKey.byteLength === 65 ? { publicKey, links } : null
  } catch {
    return null
  }
}

export interface LinkFrame {
  readonly seq: number
  readonly kind: number
  readonly payload: Uint8Array
}

export function encodeLinkFrame(frame: LinkFrame): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, frame.seq)
  encoding.writeVarUint(encoder, frame.kind)
  encoding.writeVarUint8Array(encoder, frame.payload)
  return encoding.toUint8Array(encoder)
}

export function decodeLinkFrame(bytes: Uint8Array): LinkFrame | null {
  try {
    const decoder = decoding.createDecoder(bytes)
    return { seq: decoding.readVarUint(decoder), kind: decoding.readVarUint(decoder), payload: decoding.readVarUint8Array(decoder) }
  } catch {
    return null
  }
}

/** AES-GCM with a random IV: the IV, then the ciphertext. */
export async function seal(key: CryptoKey, plaintext: Uint8Array): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plaintext as Uint8Array<ArrayBuffer>))
  const sealed = new Uint8Array(IV_BYTES + ciphertext.byteLength)
  sealed.set(iv)
  sealed.set(ciphertext, IV_BYTES)
  return sealed
}

/** The plaintext of {@link seal}'s output, or null when it does not open under `key` (hostile input). */
export async function open(key: CryptoKey, sealed: Uint8Array): Promise<Uint8Array | null> {
  if (sealed.byteLength <= IV_BYTES) return null
  try {
    const iv = sealed.slice(0, IV_BYTES)
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed.subarray(IV_BYTES) as Uint8Array<ArrayBuffer>))
  } catch {
    return null
  }
}

export const toBase64 = buffer.toBase64

/** The bytes of a base64 string, or null when it is not one. */
export function fromBase64(text: string): Uint8Array | null {
  try {
    return buffer.fromBase64(text)
  } catch {
    return null
  }
}

/** A fresh ECDH P-256 key pair for this page's relay links (the private key cannot be exported). */
export async function createRelayIdentity(): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, ['deriveKey'])
  const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))
  return { privateKey: pair.privateKey, publicKey }
}

/** The AES-GCM key two peers share from their ECDH keys, or null when `theirs` is not a valid public key. */
export async function pairKey(mine: CryptoKey, theirs: Uint8Array): Promise<CryptoKey | null> {
  try {
    const publicKey = await crypto.subtle.importKey('raw', theirs as Uint8Array<ArrayBuffer>, { name: 'ECDH', namedCurve: 'P-256' }, false, [])
    return await crypto.subtle.deriveKey({ name: 'ECDH', public: publicKey }, mine, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
  } catch {
    return null
  }
}
