/**
 * The preview's Web Worker: Markdown in, blocks of (unsanitised) HTML out. Rendering a 100 kB
 * document takes tens of milliseconds; here it never holds up typing. See `WorkerMarkdownRenderer`.
 */
import { renderMarkdownBlocks } from './renderMarkdownBlocks'
import type { RenderReply, RenderRequest } from './WorkerMarkdownRenderer'

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<RenderRequest>) => void) | null
  postMessage(reply: RenderReply): void
}

scope.onmessage = (event) => {
  const { id, text } = event.data
  try {
    scope.postMessage({ id, blocks: renderMarkdownBlocks(text) })
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) })
  }
}
