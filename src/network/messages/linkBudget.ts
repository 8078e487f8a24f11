/**
 * What one link (one peer's data channel) may cost this peer. Every figure bounds what a hostile
 * member (a reader, or a writer's compromised page) can make this peer hold, compute or send.
 * A link that breaks a budget is closed and counted (see `MessageLayer.violations`); the person
 * whose page broke it is not told, and honest peers never come near these bounds.
 */

/**
 * Largest message a receiver assembles from frames. A whole document's sync is the largest
 * message a real peer sends: the editing traces' largest document, twenty times over, encodes
 * to under 8 MiB.
 */
export const MAX_MESSAGE_BYTES = 32 * 2 ** 20

/** Bytes this peer keeps waiting in memory for one link (beyond the channel's own buffer). */
export const MAX_SEND_QUEUE_BYTES = 32 * 2 ** 20

/** Messages held for a connection whose owner is not attached yet (it attaches as the connection is made). */
export const MAX_HELD_MESSAGES = 64

/**
 * Least time between two answers on one link that cost a pass over the whole document (a state
 * vector's answer, an awareness query's answer). Requests in between are coalesced: the latest
 * one is answered when the time has come.
 */
export const ANSWER_INTERVAL_MS = 1000

/** Least time between two snapshots (a whole document, signed) that one link can ask a writer for. */
export const SNAPSHOT_INTERVAL_MS = 10_000

/**
 * Bytes of answers one link earns per byte it sent, and per second it is open: after the first
 * answer on a link (a newcomer's whole document), answers go out only while they stay within
 * this credit, so flooding requests buys back less than twice its own size, plus a trickle (saved
 * up to {@link ANSWER_TRICKLE_MAX_BYTES}) that lets a quiet honest peer catch up on what a
 * repair finds missing.
 */
export const ANSWER_BYTES_PER_BYTE = 1.5
export const ANSWER_BYTES_PER_SECOND = 2 * 1024
export const ANSWER_TRICKLE_MAX_BYTES = 2 ** 20

/** Presence states one link may introduce (itself, its tabs, and in a room past a full mesh, those it relays). */
export const MAX_PRESENCE_CLIENTS_PER_LINK = 256

/** Largest presence state (its JSON) taken from another peer. */
export const MAX_PRESENCE_STATE_BYTES = 8 * 1024

/** Thrown by a link's sender when a send would break {@link MAX_SEND_QUEUE_BYTES}. */
export class LinkBudgetError extends Error {
  constructor(readonly budget: string) {
    super(`over the link's ${budget} budget`)
    this.name = 'LinkBudgetError'
  }
}
