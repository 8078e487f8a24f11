/**
 * The preview's Web Worker: Markdown in, blocks of (unsanitised) HTML out. Rendering a 100 kB
 * document takes tens of milliseconds; here it never holds up typing. See `WorkerMarkdownRenderer`.
 */
import { diffBlocks } from './diffBlocks'
import { renderMarkdownBlocks } from './renderMarkdownBlocks'
import type { RenderReply, RenderRequest } from './WorkerMarkdownRenderer'

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<RenderRequest>) => void) | null
  postMessage(reply: RenderReply, transfer?: Transferable[]): void
}

/** The blocks the page shows: every successful reply is applied there, in order. */
let shown: string[] = []

scope.onmessage = (event) => {
  const { id, text } = event.data
  try {
    const blocks = renderMarkdownBlocks(text)
    const patch = diffBlocks(shown, blocks)
    shown = blocks.map((block) => block.html)
    scope.postMessage({ id, patch }, [patch.lines.buffer])
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) })
  }
}
