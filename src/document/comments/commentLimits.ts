/**
 * What the comments of one document are bounded by. Records past a bound are ignored (and
 * counted), never shown: a hostile peer's flood costs each victim a bounded amount of work.
 */
export const COMMENT_LIMITS = {
  /** Characters (UTF-16 units) of one comment's text; the composer stops there too. */
  text: 2000,
  /** Characters of the quoted words a thread keeps of its text. */
  quote: 300,
  /** Comments in one thread, its first one included; later replies are ignored. */
  commentsPerThread: 100,
  /** Threads read; records creating more are ignored. */
  threads: 2000,
  /** Records read from the start of the array; the rest are counted, never verified. */
  records: 20000,
  /** Characters of an encoded anchor (a relative position is a few dozen bytes). */
  anchor: 200,
} as const
