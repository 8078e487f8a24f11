import { highlightCode, type Highlighter } from '@lezer/highlight'
import type { CodeParser } from './codeParsers'

/** Longer code blocks stay plain: parsing them would cost more than the colour is worth. */
export const MAX_HIGHLIGHTED_CHARS = 50_000

/**
 * Replaces the content of `code` with its own text, highlighted: spans carrying the classes
 * `highlighter` gives (the editor's, so colours match it). Idempotent: it reads `textContent`,
 * so highlighting again (another colour scheme) gives the same text. It builds text nodes and
 * spans only, never HTML.
 */
export function highlightCodeElement(code: Element, parser: CodeParser, highlighter: Highlighter): void {
  const text = code.textContent ?? ''
  if (text.length > MAX_HIGHLIGHTED_CHARS) return
  const doc = code.ownerDocument
  const out = doc.createDocumentFragment()
  highlightCode(
    text,
    parser.parse(text),
    highlighter,
    (piece, classes) => {
      const node = doc.createTextNode(piece)
      if (classes === '') {
        out.append(node)
        return
      }
      const span = doc.createElement('span')
      span.className = classes
      span.append(node)
      out.append(span)
    },
    () => out.append(doc.createTextNode('\n')),
  )
  code.replaceChildren(out)
}
