import { createHash, createHmac, randomBytes } from 'node:crypto'
import { createSocket, type Socket } from 'node:dgram'
import { within } from './conditions.js'

/**
 * A minimal TURN client over UDP (RFC 5766 Allocate and CreatePermission with RFC 5389 long-term
 * credentials), enough to ask a real coturn what it allows: a test helper, not a relay client.
 */
const MAGIC = 0x2112a442
const ATTR = { username: 0x0006, integrity: 0x0008, errorCode: 0x0009, peer: 0x0012, realm: 0x0014, nonce: 0x0015, transport: 0x0019 } as const

/** An answer: success (`code` 0) or a STUN error code (401, 403, 486 …). */
export interface TurnAnswer {
  readonly code: number
  readonly reason: string
}

function attribute(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4)
  head.writeUInt16BE(type, 0)
  head.writeUInt16BE(value.length, 2)
  return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)])
}

function message(type: number, attributes: Buffer[], key: Buffer | null): Buffer {
  const body = Buffer.concat(attributes)
  const head = Buffer.alloc(20)
  head.writeUInt16BE(type, 0)
  head.writeUInt32BE(MAGIC, 4)
  randomBytes(12).copy(head, 8)
  if (key === null) {
    head.writeUInt16BE(body.length, 2)
    return Buffer.concat([head, body])
  }
  // MESSAGE-INTEGRITY covers the message with its length field already counting itself.
  head.writeUInt16BE(body.length + 24, 2)
  const mac = createHmac('sha1', key).update(Buffer.concat([head, body])).digest()
  return Buffer.concat([head, body, attribute(ATTR.integrity, mac)])
}

function attributesOf(packet: Buffer): Map<number, Buffer> {
  const found = new Map<number, Buffer>()
  for (let at = 20; at + 4 <= packet.length; ) {
    const type = packet.readUInt16BE(at)
    const length = packet.readUInt16BE(at + 2)
    found.set(type, packet.subarray(at + 4, at + 4 + length))
    at += 4 + length + ((4 - (length % 4)) % 4)
  }
  return found
}

function xorPeer(address: string): Buffer {
  const value = Buffer.alloc(8)
  value.writeUInt8(1, 1)
  value.writeUInt16BE(3480 ^ (MAGIC >>> 16), 2)
  const bytes = address.split('.').map(Number)
  value.writeUInt32BE((((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) ^ MAGIC) >>> 0, 4)
  return value
}

/** One TURN session (one UDP socket, one allocation at most) with `username`/`password`. */
export class TurnClient {
  private readonly socket: Socket = createSocket('udp4')
  private realm: Buffer = Buffer.alloc(0)
  private nonce: Buffer = Buffer.alloc(0)

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly username: string,
    private readonly password: string,
  ) {}

  private exchange(packet: Buffer, timeoutMs: number): Promise<Buffer> {
    return within(
      new Promise((resolve) => {
        this.socket.once('message', resolve)
        this.socket.send(packet, this.port, this.host)
      }),
      timeoutMs,
    )
  }

  private async request(type: number, attributes: Buffer[], timeoutMs: number): Promise<TurnAnswer> {
    const key = createHash('md5').update(`${this.username}:${this.realm.toString()}:${this.password}`).digest()
    const auth = this.realm.length === 0 ? [] : [attribute(ATTR.username, Buffer.from(this.username)), attribute(ATTR.realm, this.realm), attribute(ATTR.nonce, this.nonce)]
    const answer = await this.exchange(message(type, [...attributes, ...auth], auth.length === 0 ? null : key), timeoutMs)
    const found = attributesOf(answer)
    if ((answer.readUInt16BE(0) & 0x0110) !== 0x0110) return { code: 0, reason: 'success' }
    const error = found.get(ATTR.errorCode)!
    const code = error.readUInt8(2) * 100 + error.readUInt8(3)
    // First request, or a stale nonce: learn realm and nonce, and ask once more.
    if ((code === 401 && this.realm.length === 0) || code === 438) {
      this.realm = found.get(ATTR.realm) ?? this.realm
      this.nonce = found.get(ATTR.nonce) ?? this.nonce
      if (found.has(ATTR.realm)) return this.request(type, attributes, timeoutMs)
    }
    return { code, reason: error.subarray(4).toString() }
  }

  /** Allocate a UDP relay. */
  allocate(timeoutMs = 2000): Promise<TurnAnswer> {
    return this.request(0x0003, [attribute(ATTR.transport, Buffer.from([17, 0, 0, 0]))], timeoutMs)
  }

  /** Ask for permission to relay to `peer` (an IPv4 address); nothing is sent to it. */
  permit(peer: string, timeoutMs = 2000): Promise<TurnAnswer> {
    return this.request(0x0008, [attribute(ATTR.peer, xorPeer(peer))], timeoutMs)
  }

  close(): void {
    this.socket.close()
  }
}
