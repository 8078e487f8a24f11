/**
 * The round-trip time classes links are published and weighed in (ms, each a class's upper
 * bound): steps of √2, so a class says a link's speed to within about 40 %, and a slower class
 * past the last.
 */
export const LATENCY_CLASSES_MS: readonly number[] = [8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512, 1024]

/** The steady figure is the least round-trip time read over this long (ms). */
export const STEADY_WINDOW_MS = 30_000
/**
 * How long a link is read before its class is published at all (ms): long enough for several
 * reads, since under load a few reads in a row can all be slow (on one machine at load 12, three
 * of four reads of a loopback link over 4 s were 13–103 ms).
 */
export const FIRST_PUBLISH_MS = 15_000
/** Most reads kept per link (reads come every few seconds, and on link changes). */
const MAX_READS = 64
/** How far past a class's bounds the steady figure must go before the published class changes. */
export const HYSTERESIS = 1.25

/** The class a round-trip time falls in: the smallest class bound at or above it. */
export function latencyClass(rttMs: number): number {
  for (const bound of LATENCY_CLASSES_MS) if (rttMs <= bound) return bound
  return LATENCY_CLASSES_MS[LATENCY_CLASSES_MS.length - 1] as number
}

/** The class below `bound` (its lower edge), 0 for the first. */
function lowerEdge(bound: number): number {
  const index = LATENCY_CLASSES_MS.indexOf(bound)
  return index <= 0 ? 0 : (LATENCY_CLASSES_MS[index - 1] as number)
}

interface Link {
  readonly since: number
  readonly reads: { readonly at: number; readonly rttMs: number }[]
  /** The class the link is in, 0 before the first. */
  current: number
}

/** The fastest class: a link in it is published as no figure (0), which weighs the same. */
const FASTEST = LATENCY_CLASSES_MS[0] as number

/**
 * Turns raw round-trip times (one `getStats` read per link every few seconds) into a figure that
 * changes rarely, because every change is a presence update to the whole room and reshapes the
 * gossip trees of everyone:
 * - the steady figure is the least read over the last {@link STEADY_WINDOW_MS}: load and queues
 *   only ever add to a round-trip time, so a spike is not a slower link;
 * - it is published as its {@link latencyClass}, first once the link was read for
 *   {@link FIRST_PUBLISH_MS};
 * - the class moves only when the steady figure leaves it by {@link HYSTERESIS} (above its
 *   bound, or below its lower edge);
 * - the fastest class is published as no figure at all (0): trees weigh both alike, so where
 *   every link is fast (one machine, a LAN) nothing is published and nothing reshapes.
 * Pure: the caller reads the times and publishes; `update` says whether anything published changed.
 */
export class SteadyLatency {
  private readonly links = new Map<string, Link>()

  /** The class of the link to `peerId` in ms as published: 0 while not known, and for the fastest. */
  classOf(peerId: string): number {
    const current = this.links.get(peerId)?.current ?? 0
    return current === FASTEST ? 0 : current
  }

  /**
   * Takes one read per live link (`undefined`: no figure this time) and forgets links not given;
   * whether any published class changed.
   */
  update(reads: ReadonlyMap<string, number | undefined>, now: number): boolean {
    let changed = false
    for (const peerId of this.links.keys()) {
      if (reads.has(peerId)) continue
      if (this.classOf(peerId) !== 0) changed = true
      this.links.delete(peerId)
    }
    for (const [peerId, rttMs] of reads) {
      let link = this.links.get(peerId)
      if (link === undefined) {
        link = { since: now, reads: [], current: 0 }
        this.links.set(peerId, link)
      }
      if (rttMs !== undefined && Number.isFinite(rttMs) && rttMs >= 0) {
        // Reads closer than a second (every link change reads again) count as one.
        const last = link.reads.at(-1)
        if (last !== undefined && now - last.at < 1_000) link.reads[link.reads.length - 1] = { at: last.at, rttMs: Math.min(last.rttMs, rttMs) }
        else link.reads.push({ at: now, rttMs })
      }
      while (link.reads.length > MAX_READS || (link.reads.length > 0 && (link.reads[0]?.at as number) < now - STEADY_WINDOW_MS)) link.reads.shift()
      if (link.reads.length === 0 || now - link.since < FIRST_PUBLISH_MS) continue
      const steady = Math.min(...link.reads.map((read) => read.rttMs))
      const next = latencyClass(steady)
      if (next === link.current) continue
      const moved = link.current === 0 || steady > link.current * HYSTERESIS || steady < lowerEdge(link.current) / HYSTERESIS
      if (!moved) continue
      const before = this.classOf(peerId)
      link.current = next
      if (this.classOf(peerId) !== before) changed = true
    }
    return changed
  }
}
