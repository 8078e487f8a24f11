/** What of y-webrtc's signaling connection (a lib0 WebsocketClient) is read: its parsed messages. */
interface MessageSource {
  on(event: 'message', listener: (message: { type?: unknown; topic?: unknown; clients?: unknown }) => void): void
  off(event: 'message', listener: (message: { type?: unknown; topic?: unknown; clients?: unknown }) => void): void
}

/**
 * The signaling server's latest count of a room's subscribers: Meshpad's server adds `clients` to
 * every publish it forwards (stock y-webrtc ignores the field). Only the server can set it, so the
 * gossip layer takes the room's size from it rather than from presence, which any member can fill.
 * It listens to the given connections until `destroy()` (idempotent).
 */
export class ServerRoomCount {
  private latest: number | undefined
  private readonly sources: readonly MessageSource[]

  constructor(
    private readonly topic: string,
    sources: Iterable<MessageSource>,
  ) {
    this.sources = [...sources]
    for (const source of this.sources) source.on('message', this.read)
  }

  /** The count in the latest publish of the room, if any arrived. */
  get value(): number | undefined {
    return this.latest
  }

  private readonly read = (message: { type?: unknown; topic?: unknown; clients?: unknown }): void => {
    if (message.type === 'publish' && message.topic === this.topic && typeof message.clients === 'number') this.latest = message.clients
  }

  destroy(): void {
    for (const source of this.sources) source.off('message', this.read)
  }
}
