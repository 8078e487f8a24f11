import type { PreviewBlock } from './renderMarkdownBlocks'

/** How to turn the shown list of blocks into the next one: what is kept, what is new. */
export interface BlocksPatch {
  /** Blocks kept from the start of the shown list. */
  readonly prefix: number
  /** Blocks kept from its end. */
  readonly suffix: number
  /** The new blocks between them. */
  readonly blocks: readonly PreviewBlock[]
  /** `line, endLine` of every block of the next list, in order (kept ones move when lines are added). */
  readonly lines: Uint32Array
}

/**
 * The patch from `shown` (the HTML of the blocks on screen) to `next`: equal blocks from either
 * end are kept. One edit changes one block or a few, so a patch carries those and the line
 * numbers, not the whole document (the worker → page message stays small).
 */
export function diffBlocks(shown: readonly string[], next: readonly PreviewBlock[]): BlocksPatch {
  const shortest = Math.min(shown.length, next.length)
  let prefix = 0
  while (prefix < shortest && shown[prefix] === next[prefix]?.html) prefix++
  let suffix = 0
  while (suffix < shortest - prefix && shown[shown.length - 1 - suffix] === next[next.length - 1 - suffix]?.html) suffix++
  const lines = new Uint32Array(next.length * 2)
  next.forEach((block, i) => {
    lines[2 * i] = block.line
    lines[2 * i + 1] = block.endLine
  })
  return { prefix, suffix, blocks: next.slice(prefix, next.length - suffix), lines }
}
