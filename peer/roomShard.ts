/** Which share of a rooms list one always-on peer keeps: `index` of `count` (`--shard 2/3`). */
export interface RoomShard {
  readonly index: number
  readonly count: number
}

/**
 * Whether `topic`'s room belongs to `shard`: the topic's first 32 bits (it is a hash, so rooms
 * spread evenly) modulo the shard count. Several peers given the same rooms file with `--shard
 * 0/N` … `--shard N-1/N` keep every room exactly once between them; two peers with the same shard
 * keep the same rooms (redundancy). Every peer can tell alone, from the link, which rooms are its.
 */
export function inShard(topic: string, shard: RoomShard | null): boolean {
  if (shard === null || shard.count === 1) return true
  const head = Number.parseInt(topic.slice(0, 8), 16)
  return (Number.isNaN(head) ? 0 : head) % shard.count === shard.index
}
