/** The localStorage key of {@link StoredTopics}. */
export const STORED_TOPICS_KEY = 'meshpad/v1/stored-topics'
/** Hex characters kept of each topic: a hint needs no more (a false match only costs speed). */
export const STORED_TOPIC_PREFIX = 16

/**
 * Which documents this browser holds a copy of, readable synchronously when a page starts (the
 * document list itself is in IndexedDB): the page shows a document it holds at once, and waits
 * for the first peer's copy of one it does not (see src/session/whenWorthShowing.ts). The
 * library keeps it in step with its entries. A hint, never the truth: a stale or missing
 * answer only changes when the page renders, never what it holds. It keeps a prefix of each
 * topic, which is itself a hash: no link, no secret.
 */
export interface StoredTopics {
  has(topic: string): boolean
  add(topic: string): void
  remove(topic: string): void
}

export function storedTopics(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): StoredTopics {
  const read = (): string[] => {
    try {
      const value: unknown = JSON.parse(storage?.getItem(STORED_TOPICS_KEY) ?? '[]')
      return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : []
    } catch {
      return []
    }
  }
  const write = (topics: readonly string[]): void => {
    try {
      storage?.setItem(STORED_TOPICS_KEY, JSON.stringify(topics))
    } catch {
      // A full or refused storage loses the hint only.
    }
  }
  const key = (topic: string): string => topic.slice(0, STORED_TOPIC_PREFIX)
  return {
    has: (topic) => read().includes(key(topic)),
    add(topic) {
      const topics = read()
      if (!topics.includes(key(topic))) write([...topics, key(topic)])
    },
    remove(topic) {
      const topics = read()
      if (topics.includes(key(topic))) write(topics.filter((entry) => entry !== key(topic)))
    },
  }
}
