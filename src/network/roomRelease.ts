/**
 * Rooms whose y-webrtc provider is being destroyed, in this JavaScript realm. y-webrtc allows one
 * provider per room name per realm and releases the name only after its (asynchronous) key
 * derivation, so a new provider for the same room waits for the old one to let go.
 */
const releasing = new Map<string, Promise<void>>()

/** Resolves once no provider of `topic` is still being released (at once if none is). */
export function whenRoomReleased(topic: string): Promise<void> | undefined {
  return releasing.get(topic)
}

/** Records that the provider of `topic` is released once `released` resolves. */
export function markRoomReleasing(topic: string, released: PromiseLike<unknown>): void {
  const done: Promise<void> = Promise.resolve(released).then(
    () => {
      if (releasing.get(topic) === done) releasing.delete(topic)
    },
    () => {
      if (releasing.get(topic) === done) releasing.delete(topic)
    },
  )
  releasing.set(topic, done)
}
