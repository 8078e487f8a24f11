import WebSocket from 'ws'
import type { SignalingState } from '../src/network/signalingState'

/** Topics per `subscribe` frame: 500 topics of 64 hex characters stay far below the server's 64 KiB frame limit. */
export const SUBSCRIBE_BATCH = 500

/** Reconnection delays: doubling from the first to the last, then the last. */
const RECONNECT_MS = { first: 100, last: 5_000 }

/** Failed attempts in a row after which a watch says `unreachable` (it keeps retrying). */
const UNREACHABLE_AFTER = 3

/**
 * One WebSocket to one signaling server that keeps the topics of sleeping rooms subscribed, in
 * y-webrtc's protocol, and says when someone else is in one of them.
 *
 * Wake rule: a `publish` on a watched topic that is someone's message (its `data` is not null:
 * y-webrtc's are encrypted strings, such as a newcomer's announce), or whose `clients` (the
 * server's count of the topic's subscribers, this watch included) is above 1. The second catches
 * the echo of this watch's own probe: whenever topics are subscribed because the watch
 * (re)connected or rooms were added, it publishes `data: null` on each, which y-webrtc ignores
 * (it reads only string payloads in a room with a password), so that people already in a room are
 * noticed too. Someone's message counts whatever `clients` says: a message relayed from another
 * instance of a scaled-out server carries the count of the instance that delivers it. Topics
 * handed back by a room going to sleep are not probed: that room's own session is still
 * subscribed at that moment and would count.
 *
 * It never reads or sends anything of a room but its topic. It reconnects by itself; `destroy()`
 * (idempotent) closes the socket and stops every timer.
 */
export class SignalingWatch {
  private readonly topics = new Set<string>()
  private socket: WebSocket | null = null
  private timer: NodeJS.Timeout | null = null
  private failures = 0
  private everConnected = false
  private destroyed = false
  /** Pings sent since the socket opened, and the one whose pong confirms every subscription so far. */
  private pings = 0
  private confirmPing = 0
  private pongs = 0
  state: SignalingState = 'connecting'

  constructor(
    readonly url: string,
    private readonly onSomeone: (topic: string) => void,
    private readonly onState: () => void = () => {},
  ) {
    this.connect()
  }

  /** Topics watched now. */
  get size(): number {
    return this.topics.size
  }

  has(topic: string): boolean {
    return this.topics.has(topic)
  }

  /** Watches `topics`; `probe`: ask the server whether anyone else is in them already. */
  watch(topics: readonly string[], probe: boolean): void {
    const added = topics.filter((topic) => !this.topics.has(topic))
    for (const topic of added) this.topics.add(topic)
    if (added.length > 0 && this.isOpen()) this.sendSubscriptions(added, probe)
  }

  /** Stops watching `topics` (their room woke up or left). */
  unwatch(topics: readonly string[]): void {
    const removed = topics.filter((topic) => this.topics.delete(topic))
    if (removed.length === 0 || !this.isOpen()) return
    for (let i = 0; i < removed.length; i += SUBSCRIBE_BATCH) this.send({ type: 'unsubscribe', topics: removed.slice(i, i + SUBSCRIBE_BATCH) })
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    const socket = this.socket
    this.socket = null
    socket?.removeAllListeners()
    socket?.on('error', () => {})
    socket?.terminate()
  }

  private isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN
  }

  private send(message: unknown): void {
    this.socket?.send(JSON.stringify(message))
  }

  /** Subscribes in batches, probes if asked, then pings: the server answers in order, so its pong confirms them all. */
  private sendSubscriptions(topics: readonly string[], probe: boolean): void {
    for (let i = 0; i < topics.length; i += SUBSCRIBE_BATCH) this.send({ type: 'subscribe', topics: topics.slice(i, i + SUBSCRIBE_BATCH) })
    if (probe) for (const topic of topics) this.send({ type: 'publish', topic, data: null })
    this.send({ type: 'ping' })
    this.confirmPing = ++this.pings
  }

  private connect(): void {
    if (this.destroyed) return
    const socket = new WebSocket(this.url)
    this.socket = socket
    this.pings = this.pongs = this.confirmPing = 0
    socket.on('open', () => this.sendSubscriptions([...this.topics], true))
    socket.on('message', (data) => this.read(String(data)))
    socket.on('error', () => {})
    socket.on('close', () => {
      if (this.socket !== socket) return
      this.socket = null
      this.failures++
      this.setState(this.failures >= UNREACHABLE_AFTER ? 'unreachable' : this.everConnected ? 'reconnecting' : 'connecting')
      const delay = Math.min(RECONNECT_MS.first * 2 ** Math.min(this.failures - 1, 10), RECONNECT_MS.last)
      this.timer = setTimeout(() => this.connect(), delay)
    })
  }

  private read(text: string): void {
    let message: { type?: unknown; topic?: unknown; data?: unknown; clients?: unknown }
    try {
      message = JSON.parse(text) as typeof message
    } catch {
      return
    }
    if (message.type === 'pong') {
      this.pongs++
      if (this.pongs >= this.confirmPing) {
        this.failures = 0
        this.everConnected = true
        this.setState('connected')
      }
      return
    }
    if (message.type !== 'publish' || typeof message.topic !== 'string' || !this.topics.has(message.topic)) return
    if (message.data !== null || (typeof message.clients === 'number' && message.clients > 1)) this.onSomeone(message.topic)
  }

  private setState(state: SignalingState): void {
    if (state === this.state) return
    this.state = state
    this.onState()
  }
}
