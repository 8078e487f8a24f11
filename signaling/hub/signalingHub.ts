import type { Logger } from 'pino'
import { WebSocket, type RawData } from 'ws'
import { CLOSE_POLICIES, type CloseReason, type PolicyCloseReason } from '../closeReasons.js'
import type { AddressAccount } from '../limits/addressLedger.js'
import type { SignalingMetrics } from '../observability/signalingMetrics.js'
import {
  parseClientMessage,
  peerRelayFrame,
  relayFrame,
  serializeData,
  type ClientMessage,
  type PongMessage,
  type RelayMessage,
  type RelayRefusal,
  type RelayRefusedMessage,
} from '../protocol.js'
import { rawDataBytes, rawDataText } from './rawData.js'
import { TokenBucket } from './tokenBucket.js'
import { TopicRegistry } from './topicRegistry.js'

/** The limits one connection lives under (see `SignalingServerOptions` for their meaning). */
export interface HubLimits {
  readonly maxTopicsPerConnection: number
  readonly maxTopics: number
  readonly rateLimit: { readonly perSecond: number; readonly burst: number } | false
  readonly maxBufferedBytes: number
  /** The relay of last resort's budgets, in bytes of `data` per second; false: turned off. */
  readonly peerRelay: PeerRelayLimits | false
}

export interface PeerRelayLimits {
  /** What one connection may send through the relay (its burst: four seconds' worth). */
  readonly connectionBytesPerSecond: number
  /** What the whole instance forwards for its clients (its burst: one second's worth). */
  readonly instanceBytesPerSecond: number
}

/** Relay refusals told to a sender, at most one per reason within this long. */
const REFUSAL_NOTICE_MS = 1000

/**
 * Where publishes go beyond this instance (the Redis relay). The hub tells it which topics have
 * local subscribers and hands it every publish from a local client; it calls `deliver` back with
 * publishes from elsewhere.
 */
export interface TopicRelay {
  topicOpened(topic: string): void
  topicClosed(topic: string): void
  publish(topic: string, dataJson: string): void
  /** A relay frame for the topic's subscribers on other instances (see `RelayMessage`). */
  relay(topic: string, data: string): void
}

interface Connection {
  /** Sequence number, for logs. */
  readonly id: number
  readonly socket: WebSocket
  readonly address: string
  /** Its address's budget, shared with the address's other connections. */
  readonly account: AddressAccount
  readonly bucket: TokenBucket | undefined
  /** Relay bytes it may still send (undefined: exempt, or the relay is off). */
  readonly relayBucket: TokenBucket | undefined
  /** When it was last told of each relay refusal. */
  readonly refusalNoticeAt: Map<RelayRefusal, number>
  /** Answered the last heartbeat ping. */
  alive: boolean
  /** Set once the server decided to end the connection (or ws did); frames after it are ignored. */
  closeReason: CloseReason | undefined
}

const PONG_FRAME = Buffer.from(JSON.stringify({ type: 'pong' } satisfies PongMessage))
/** ws options for a text frame given as bytes. */
const TEXT = { binary: false } as const

/**
 * The signaling core of one instance: open connections, who is subscribed to what, fan-out, and
 * the limits that apply to one connection (topics, message rate, send queue) and to one address
 * (`AddressLedger`; an exempt address skips both kinds).
 *
 * It is responsible for relaying without reading payloads, and for ending exactly the connection
 * that broke a limit, with its close code, leaving every other one untouched. It never sends to a
 * socket that is not open, serialises a fan-out once, and holds no state for a closed connection.
 * It does not decide who may connect (the server's admission does) nor talk to Redis (the relay
 * does).
 */
export class SignalingHub {
  private readonly connections = new Set<Connection>()
  private readonly registry: TopicRegistry<Connection>
  private readonly emptyWaiters: (() => void)[] = []
  private readonly relayBucket: TokenBucket | undefined
  private nextId = 1

  constructor(
    private readonly limits: HubLimits,
    private readonly metrics: SignalingMetrics,
    private readonly logger: Logger,
    private readonly relay?: TopicRelay,
  ) {
    this.registry = new TopicRegistry({ opened: (topic) => relay?.topicOpened(topic), closed: (topic) => relay?.topicClosed(topic) })
    const { peerRelay } = limits
    this.relayBucket = peerRelay === false ? undefined : new TokenBucket(peerRelay.instanceBytesPerSecond, peerRelay.instanceBytesPerSecond)
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.connections.size
  }

  /** Topics with at least one local subscriber. */
  get topicCount(): number {
    return this.registry.size
  }

  /** (connection, topic) pairs. */
  get subscriptionCount(): number {
    return this.registry.subscriptions
  }

  /** Topics with at least one local subscriber, for the relay to resubscribe after reconnecting. */
  topics(): Iterable<string> {
    return this.registry.topics()
  }

  /** Takes over an accepted socket of `account`; `onClosed` runs once, when it has closed. */
  attach(socket: WebSocket, address: string, account: AddressAccount, onClosed: () => void): void {
    const { rateLimit, peerRelay } = this.limits
    const connection: Connection = {
      id: this.nextId++,
      socket,
      address,
      account,
      bucket: rateLimit === false || account.exempt ? undefined : new TokenBucket(rateLimit.perSecond, rateLimit.burst),
      relayBucket:
        peerRelay === false || account.exempt ? undefined : new TokenBucket(peerRelay.connectionBytesPerSecond, 4 * peerRelay.connectionBytesPerSecond),
      refusalNoticeAt: new Map(),
      alive: true,
      closeReason: undefined,
    }
    this.connections.add(connection)
    this.logger.debug({ conn: connection.id, address }, 'connection opened')

    socket.on('message', (data, isBinary) => this.onFrame(connection, data, isBinary))
    socket.on('pong', () => {
      connection.alive = true
    })
    // ws has already closed the socket with the matching code (1009 for a frame over the size
    // limit, 1007 for invalid UTF-8, 1002 for a protocol error); without this listener the 'error'
    // event would crash the process.
    socket.on('error', (error: Error & { code?: string }) => {
      if (connection.closeReason !== undefined) return
      connection.closeReason = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'message_too_big' : 'protocol_error'
      this.logger.info({ conn: connection.id, address, reason: connection.closeReason, error: error.code ?? error.message }, 'connection refused a frame')
    })
    socket.on('close', (code) => {
      const reason = connection.closeReason ?? 'client'
      // A close the server decided on was counted when it decided (see `close`).
      if (!(reason in CLOSE_POLICIES)) this.metrics.closed(reason)
      this.connections.delete(connection)
      this.leaveAll(connection)
      this.logger.debug({ conn: connection.id, reason, code }, 'connection closed')
      onClosed()
      if (this.connections.size === 0) for (const resolve of this.emptyWaiters.splice(0)) resolve()
    })
  }

  /** Fans out a publish that arrived from another instance to the local subscribers of `topic`. */
  deliver(topic: string, dataJson: string): void {
    this.fanOut(topic, dataJson, 'redis')
  }

  /** Forwards a relay frame that arrived from another instance to the local subscribers of `topic`. */
  deliverRelay(topic: string, data: string): void {
    if (this.limits.peerRelay === false) return
    this.forward(topic, data, undefined)
  }

  /**
   * One heartbeat round: destroys every connection that did not answer the previous ping (the
   * client sees 1006; there is nobody to send a close frame to) and pings the others.
   */
  heartbeat(): void {
    for (const connection of this.connections) {
      if (connection.socket.readyState !== WebSocket.OPEN) continue
      if (!connection.alive) {
        connection.closeReason = 'heartbeat_timeout'
        this.logger.info({ conn: connection.id, address: connection.address, reason: 'heartbeat_timeout' }, 'closing connection')
        connection.socket.terminate()
        continue
      }
      connection.alive = false
      connection.socket.ping()
    }
  }

  /**
   * Closes every connection with `reason`'s code; resolves once all have closed. ws destroys a
   * socket that does not finish the closing handshake within its close timeout, so this settles.
   */
  closeAll(reason: PolicyCloseReason): Promise<void> {
    for (const connection of this.connections) this.close(connection, reason)
    if (this.connections.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.emptyWaiters.push(resolve))
  }

  /** Destroys every connection at once, without a closing handshake. */
  terminateAll(): void {
    for (const connection of this.connections) connection.socket.terminate()
  }

  private close(connection: Connection, reason: PolicyCloseReason): void {
    if (connection.closeReason !== undefined) return
    connection.closeReason = reason
    // Leaves its topics now, not when the handshake ends: it receives nothing more, and
    // neither `clients` nor the topic limits should count it meanwhile.
    this.leaveAll(connection)
    this.metrics.closed(reason)
    const { code, reason: text } = CLOSE_POLICIES[reason]
    const fields = { conn: connection.id, address: connection.address, reason, code }
    if (reason === 'shutdown') this.logger.debug(fields, 'closing connection')
    else this.logger.info(fields, 'closing connection')
    connection.socket.close(code, text)
  }

  private onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    // ws still emits frames that arrive while the closing handshake runs; they are ignored.
    if (connection.closeReason !== undefined) return
    this.metrics.received(rawDataBytes(data))
    if (connection.bucket !== undefined && !connection.bucket.take()) {
      this.close(connection, 'rate_limited')
      return
    }
    const frame = connection.account.takeFrame()
    if (frame !== 'ok') {
      this.metrics.dropped('address_rate_limited')
      if (frame === 'first_dropped') this.logger.info({ conn: connection.id, address: connection.address, reason: 'address_rate_limited' }, 'dropping frames')
      return
    }
    if (isBinary) {
      this.metrics.dropped('binary')
      return
    }
    const message = parseClientMessage(rawDataText(data))
    if (message === null) {
      this.metrics.dropped('invalid')
      return
    }
    this.handle(connection, message)
  }

  private handle(connection: Connection, message: ClientMessage): void {
    switch (message.type) {
      case 'subscribe':
        this.subscribe(connection, message.topics)
        return
      case 'unsubscribe':
        for (const topic of message.topics) if (this.registry.unsubscribe(topic, connection)) connection.account.subscribed(-1)
        this.logger.debug({ conn: connection.id, topics: message.topics }, 'unsubscribed')
        return
      case 'publish': {
        const dataJson = serializeData(message.data)
        if (dataJson === null) {
          this.metrics.dropped('invalid')
          return
        }
        this.fanOut(message.topic, dataJson, 'local')
        this.relay?.publish(message.topic, dataJson)
        return
      }
      case 'ping':
        if (this.send(connection, PONG_FRAME)) this.metrics.sent(1, PONG_FRAME.length)
        return
      case 'relay':
        this.relayFrom(connection, message)
        return
    }
  }

  /**
   * A relay frame: forwarded to the topic's other subscribers, here and on other instances, if the
   * relay is on, the sender is subscribed to the topic, and the connection's and the instance's
   * byte budgets allow; otherwise dropped, counted, and the sender told why.
   */
  private relayFrom(connection: Connection, message: RelayMessage): void {
    const refusal = this.relayRefusal(connection, message)
    if (refusal !== null) {
      this.metrics.dropped(`relay_${refusal}`)
      this.tellRefused(connection, message.topic, refusal)
      return
    }
    this.metrics.relayed(message.data.length)
    this.forward(message.topic, message.data, connection)
    this.relay?.relay(message.topic, message.data)
  }

  private relayRefusal(connection: Connection, { topic, data }: RelayMessage): RelayRefusal | null {
    if (this.limits.peerRelay === false) return 'off'
    if (!this.registry.has(topic, connection)) return 'not_subscribed'
    if (connection.relayBucket !== undefined && !connection.relayBucket.take(data.length)) return 'rate_limited'
    if (!connection.account.exempt && this.relayBucket !== undefined && !this.relayBucket.take(data.length)) return 'rate_limited'
    return null
  }

  private tellRefused(connection: Connection, topic: string, reason: RelayRefusal): void {
    const now = performance.now()
    if (now - (connection.refusalNoticeAt.get(reason) ?? -Infinity) < REFUSAL_NOTICE_MS) return
    connection.refusalNoticeAt.set(reason, now)
    const frame = Buffer.from(JSON.stringify({ type: 'relay-refused', topic, reason } satisfies RelayRefusedMessage))
    if (this.send(connection, frame)) this.metrics.sent(1, frame.length)
  }

  /** Sends a relay frame to the local subscribers of `topic` but its sender. */
  private forward(topic: string, data: string, sender: Connection | undefined): void {
    const receivers = this.registry.subscribersOf(topic)
    if (receivers.size === 0) return
    const frame = Buffer.from(peerRelayFrame(topic, data))
    let sent = 0
    for (const receiver of receivers) if (receiver !== sender && this.send(receiver, frame)) sent++
    this.metrics.sent(sent, frame.length)
  }

  /**
   * Subscribes to every topic the limits allow and ignores (counts, logs) the rest: closing would
   * not help, the client would reconnect at once and ask again (see `closeReasons.ts`).
   */
  private subscribe(connection: Connection, topics: readonly string[]): void {
    let tooMany = 0
    let full = 0
    let addressFull = 0
    const { account } = connection
    for (const topic of topics) {
      if (this.registry.has(topic, connection)) continue
      if (!account.exempt && this.registry.topicCountOf(connection) >= this.limits.maxTopicsPerConnection) tooMany++
      else if (!this.registry.hasTopic(topic) && this.registry.size >= this.limits.maxTopics) full++
      else if (!account.maySubscribe()) addressFull++
      else {
        this.registry.subscribe(topic, connection)
        account.subscribed(1)
      }
    }
    this.logger.debug({ conn: connection.id, topics }, 'subscribed')
    for (const [reason, count] of [['too_many_topics', tooMany], ['topics_full', full], ['address_topics', addressFull]] as const) {
      if (count === 0) continue
      this.metrics.subscriptionRefused(reason, count)
      this.logger.info({ conn: connection.id, address: connection.address, reason, ignored: count }, 'ignoring subscriptions')
    }
  }

  /** Leaves every topic, and gives the subscriptions back to the address's budget. */
  private leaveAll(connection: Connection): void {
    const count = this.registry.topicCountOf(connection)
    this.registry.unsubscribeAll(connection)
    connection.account.subscribed(-count)
  }

  private fanOut(topic: string, dataJson: string, source: 'local' | 'redis'): void {
    const receivers = this.registry.subscribersOf(topic)
    if (receivers.size === 0) return
    // Serialised and encoded once per fan-out, not once per receiver (the stock server
    // serialises per receiver, and ws encodes a string again on every send). `clients` counts the
    // subscribers on this instance (docs/several-instances.md).
    const frame = Buffer.from(relayFrame(topic, dataJson, receivers.size))
    this.metrics.fannedOut(receivers.size, source)
    let sent = 0
    // Iterating the live set is safe: a receiver closed by `send` leaves it, and Set
    // iteration tolerates deletion.
    for (const receiver of receivers) if (this.send(receiver, frame)) sent++
    this.metrics.sent(sent, frame.length)
  }

  /** Sends `frame` unless the connection is closing or its send queue is over the limit. */
  private send(connection: Connection, frame: Buffer): boolean {
    const { socket } = connection
    if (connection.closeReason !== undefined || socket.readyState !== WebSocket.OPEN) return false
    if (socket.bufferedAmount > this.limits.maxBufferedBytes) {
      // The close frame queues behind data the client is not reading; ws destroys the
      // socket when the closing handshake does not finish within its close timeout, and nothing
      // more is queued meanwhile, so the memory held is bounded.
      this.close(connection, 'slow_receiver')
      return false
    }
    socket.send(frame, TEXT)
    return true
  }
}
