/**
 * Which rule a peer relays updates by past a full mesh. A switch for tests and benchmarks only
 * (see bench/gossipDelay.bench.ts), so that one room of real peers can compare the rules in turns;
 * every session uses `weighted` unless a test sets another.
 * - `weighted`: trees rooted at each update's author, by the links' published round-trip time
 *   classes (see `treeNeighboursFrom`, `latencyClass.ts`);
 * - `hops`: the same trees with every link weighed alike (breadth-first: fewest hops);
 * - `flood`: every update to every link but the one it came from (stock y-webrtc's rule), the anchor.
 * The rule changes only where updates go: repair, membership and presence throttling stay as they are.
 */
export type RelayRule = 'weighted' | 'hops' | 'flood'

export const RELAY_RULES: readonly RelayRule[] = ['weighted', 'hops', 'flood']

/** `value` as a relay rule, or undefined when it names none. */
export function relayRuleFrom(value: unknown): RelayRule | undefined {
  return RELAY_RULES.find((rule) => rule === value)
}
