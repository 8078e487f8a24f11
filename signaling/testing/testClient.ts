import { expect } from 'vitest'
import WebSocket, { type ClientOptions } from 'ws'
import { TIMEOUT_MS, within } from './conditions.js'

/** A ws client that queues every text frame it receives, parsed, from the moment it is created. */
export class TestClient {
  readonly socket: WebSocket
  /** Settles with the close code and reason, however the connection ends. */
  readonly closed: Promise<{ code: number; reason: string }>
  /** Settles with the HTTP status if the server refuses the handshake; never if it accepts. */
  readonly refusedWith: Promise<number>
  /** Every message received so far, in order (including those already taken by `nextMessage`). */
  readonly received: unknown[] = []
  private readonly queue: unknown[] = []
  private readonly waiters: ((message: unknown) => void)[] = []

  constructor(url: string, options?: ClientOptions) {
    this.socket = new WebSocket(url, options)
    this.socket.on('message', (data) => {
      const message: unknown = JSON.parse(String(data))
      this.received.push(message)
      const waiter = this.waiters.shift()
      if (waiter) waiter(message)
      else this.queue.push(message)
    })
    // A refused or broken connection emits 'error' before 'close'; tests read `closed` and
    // `refusedWith`.
    this.refusedWith = new Promise((resolve) =>
      this.socket.on('error', (error) => {
        const status = /^Unexpected server response: (\d+)$/.exec(error.message)?.[1]
        if (status !== undefined) resolve(Number(status))
      }),
    )
    this.closed = new Promise((resolve) => this.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  }

  opened(): Promise<void> {
    return within(
      new Promise((resolve, reject) => {
        if (this.socket.readyState === WebSocket.OPEN) return resolve()
        this.socket.once('open', () => resolve())
        this.socket.once('error', reject)
      }),
    )
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message))
  }

  /** The next message, parsed; rejects if none arrives within `timeoutMs`. */
  nextMessage(timeoutMs = TIMEOUT_MS): Promise<unknown> {
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift())
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1)
        reject(new Error('no message within timeout'))
      }, timeoutMs)
      const waiter = (message: unknown): void => {
        clearTimeout(timer)
        resolve(message)
      }
      this.waiters.push(waiter)
    })
  }

  /** Takes every message queued and not yet taken. */
  takeQueued(): unknown[] {
    return this.queue.splice(0)
  }

  /**
   * Sends a ping and expects the pong as the very next message. Frames on one socket are handled
   * in order, so this proves everything sent before was handled and nothing was delivered to us.
   */
  async expectNothingElse(timeoutMs = TIMEOUT_MS): Promise<void> {
    this.send({ type: 'ping' })
    expect(await this.nextMessage(timeoutMs)).toEqual({ type: 'pong' })
  }

  async subscribe(...topics: string[]): Promise<void> {
    this.send({ type: 'subscribe', topics })
    await this.expectNothingElse()
  }

  async unsubscribe(...topics: string[]): Promise<void> {
    this.send({ type: 'unsubscribe', topics })
    await this.expectNothingElse()
  }
}
