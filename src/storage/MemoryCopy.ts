import type { LocalCopy, OpenLocalCopy } from './localCopy'

/**
 * A local copy that keeps nothing beyond the doc in memory: for tests and for peers that hold a
 * document only while they run. Its state is `saved` from the start, since nothing is ever pending.
 */
export class MemoryCopy implements LocalCopy {
  readonly whenLoaded = Promise.resolve()
  readonly state = 'saved' as const
  readonly error = null

  onChange(): () => void {
    return () => {}
  }

  whenSaved(): Promise<void> {
    return Promise.resolve()
  }

  destroy(): Promise<void> {
    return Promise.resolve()
  }
}

/** {@link OpenLocalCopy} that stores nothing. */
export const openMemoryCopy: OpenLocalCopy = () => new MemoryCopy()
