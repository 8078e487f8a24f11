import markdownIt, { type MarkdownIt, type Token } from 'markdown-it'
import { taskLists } from './taskLists'

/** One top-level block of the rendered document (a paragraph, a list, a table, a fence…). */
export interface PreviewBlock {
  /** markdown-it's HTML for the block: NOT sanitised; see `createPreviewSanitizer`. */
  readonly html: string
  /** First source line of the block, 0-based. */
  readonly line: number
  /** The line after the block's last one, 0-based. */
  readonly endLine: number
}

/**
 * CommonMark plus GitHub's extensions: tables and strikethrough (markdown-it's own), autolinks
 * (`<https://…>`, and bare URLs through linkify), task lists, fenced code with a `language-*`
 * class (highlighted later, in the page, with the editor's languages). HTML in the text is passed
 * through (`html: true`) because people write `<details>`, `<kbd>`, `<sub>` in READMEs: every
 * block is sanitised before it reaches the page.
 */
function createMarkdownIt(): MarkdownIt {
  const md = markdownIt('default', { html: true, linkify: true, typographer: false })
  md.use(taskLists)
  // Table alignment becomes `align="…"`, so the sanitiser can refuse every `style` attribute.
  md.core.ruler.push('meshpad_table_align', (state) => {
    for (const token of state.tokens) {
      if (token.type !== 'th_open' && token.type !== 'td_open') continue
      const align = /^text-align:(left|right|center)$/.exec(String(token.attrGet('style') ?? ''))
      token.attrs = align ? [['align', align[1] as string]] : null
    }
  })
  return md
}

let shared: MarkdownIt | null = null

const VOID_TAGS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'])
/** Longest run of blocks an unclosed HTML element may hold together (see `openElements`). */
const MAX_JOINED_BLOCKS = 50

/** Elements an HTML block opens minus those it closes (`<details>` alone: 1; `</details>`: -1). */
function openElements(html: string): number {
  let open = 0
  for (const match of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^<>]*?(\/?)>/g)) {
    if (VOID_TAGS.has((match[2] as string).toLowerCase()) || match[3] === '/') continue
    open += match[1] === '/' ? -1 : 1
  }
  return open
}

/**
 * Renders `text` as a list of top-level blocks with their source lines, so the preview can
 * replace only the blocks an edit changed and map editor lines to preview positions. Pure and
 * DOM-free: it runs in a Web Worker. It is responsible for the Markdown; it is not a security
 * boundary (its output is sanitised in the page).
 *
 * Blocks are sanitised one by one, so an HTML element left open by one block (`<details>`
 * … Markdown … `</details>`, as GitHub READMEs do) joins the blocks up to its closing tag into
 * one, at most `MAX_JOINED_BLOCKS` of them, so one `<div>` cannot turn a long document into a
 * single block that every edit renders again.
 */
export function renderMarkdownBlocks(text: string): PreviewBlock[] {
  const md = (shared ??= createMarkdownIt())
  const env = {}
  const tokens = md.parse(text, env)
  const blocks: PreviewBlock[] = []
  let start = 0
  let lastEnd = 0
  let open = 0
  let joined = 0
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token
    // A top-level block ends with a level-0 token that closes (-1) or stands alone (0).
    if (token.level !== 0 || token.nesting === 1) continue
    const group = tokens.slice(start, i + 1)
    const map = group[0]?.map
    const line = map?.[0] ?? lastEnd
    lastEnd = map?.[1] ?? line + 1
    const html = md.renderer.render(group, md.options, env)
    start = i + 1
    const previous = blocks[blocks.length - 1]
    if (open > 0 && previous !== undefined && joined < MAX_JOINED_BLOCKS) {
      blocks[blocks.length - 1] = { html: previous.html + html, line: previous.line, endLine: lastEnd }
      joined++
    } else {
      blocks.push({ html, line, endLine: lastEnd })
      open = 0
      joined = 0
    }
    if (token.type === 'html_block') open = Math.max(0, open + openElements(html))
  }
  return blocks
}
