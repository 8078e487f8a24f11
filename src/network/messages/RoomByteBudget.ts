/**
 * Bytes the always-on peer holds in memory for one room's data channels at once: frames waiting
 * to be sent and messages being joined from frames, over all the room's links. Each link is held
 * to its own budgets (`MAX_SEND_QUEUE_BYTES`, `MAX_MESSAGE_BYTES`), but one member can open many
 * links (a peer id per tab, per connection); this bounds what one room, whoever is in it, can make
 * the process hold, so one reader of one room cannot take memory the other rooms need. A link
 * whose send or frame would break it is closed like any link over budget. An honest room holds a
 * few MiB at most: a newcomer's whole document in flight, one message being joined per link.
 */
export const ROOM_MAX_HELD_BYTES = 64 * 2 ** 20

/**
 * One room's count of held bytes, shared by its channels (see `chunkingRtc`). `take` fails,
 * taking nothing, when the bytes would pass `max`.
 */
export class RoomByteBudget {
  private heldBytes = 0

  constructor(readonly max: number = ROOM_MAX_HELD_BYTES) {}

  /** Bytes held now. */
  get held(): number {
    return this.heldBytes
  }

  /** Takes `bytes` if they fit; false (nothing taken) if they would pass `max`. */
  take(bytes: number): boolean {
    if (this.heldBytes + bytes > this.max) return false
    this.heldBytes += bytes
    return true
  }

  /** Gives back `bytes` taken before (sent, joined into a message, or dropped). */
  release(bytes: number): void {
    this.heldBytes = Math.max(0, this.heldBytes - bytes)
  }
}
