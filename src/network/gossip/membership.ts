/** Peers a room member aims to open connections to when someone announces itself in a large room. */
export const ANNOUNCE_RESPONDERS = 12

/** A peer with fewer direct links than this is lonely: it announces itself again, and is let in past `maxConns`. */
export const LONELY_LINKS = 3

/** How often a lonely peer announces itself again. */
export const LONELY_ANNOUNCE_MS = 3_000

/** What a peer knows when another announces itself on the signaling channel. */
export interface AnnounceContext {
  /** Connections this peer has (open or opening). */
  readonly conns: number
  /** y-webrtc's `maxConns` of this peer. */
  readonly maxConns: number
  /** Peers in the room as far as this one knows (awareness states), itself included. */
  readonly roomSize: number
  /** The announcer's own connection count, if it said (older peers do not). */
  readonly announcerLinks: number | undefined
  /** A number in [0, 1). */
  readonly random: number
}

/**
 * Whether to open a connection to a peer that announced itself. y-webrtc connects whenever it has
 * fewer than `maxConns` connections, so in a room larger than that the newest peers link to
 * whoever still has room — mostly the previous few newcomers: the graph becomes a band whose
 * diameter grows with the room, and newcomers that find everyone full link only to each other
 * (islands that never merge: nobody in them is short of links). Here:
 * - with room (fewer than `maxConns`), a peer answers every announce in a room small enough for a
 *   full mesh, and otherwise with probability ANNOUNCE_RESPONDERS / roomSize, so a newcomer links
 *   to about that many peers picked at random (a random graph: shallow trees);
 * - a lonely announcer (fewer than {@link LONELY_LINKS} links; it announces itself again every
 *   {@link LONELY_ANNOUNCE_MS}) is answered even past `maxConns` (up to twice it), with probability
 *   2·LONELY_LINKS / roomSize: about that many peers of the connected part answer, so a newcomer
 *   whom everyone found full joins it, and a small island's members keep announcing until they do.
 */
export function acceptAnnounce(context: AnnounceContext): boolean {
  const { conns, maxConns, roomSize, announcerLinks, random } = context
  const lonely = announcerLinks !== undefined && announcerLinks < LONELY_LINKS
  if (conns < maxConns) return roomSize <= maxConns + 1 || random < (lonely ? 2 * LONELY_LINKS : ANNOUNCE_RESPONDERS) / roomSize
  return lonely && conns < 2 * maxConns && random < (2 * LONELY_LINKS) / roomSize
}
