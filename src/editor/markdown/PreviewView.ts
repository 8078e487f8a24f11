import { classHighlighter, type Highlighter } from '@lezer/highlight'
import { codeLanguageId, loadCodeParser, loadedCodeParser } from './codeParsers'
import type { PreviewSanitizer } from './createPreviewSanitizer'
import { diffBlocks, type BlocksPatch } from './diffBlocks'
import { highlightCodeElement } from './highlightCodeElement'
import type { PreviewBlock } from './renderMarkdownBlocks'

/** What a preview view needs from the page: the sanitiser, the code colours, a consent callback. */
export interface PreviewViewOptions {
  readonly sanitizer: PreviewSanitizer
  /** Classes for highlighted code, read each time code is highlighted (the editor's current ones). */
  readonly highlighter?: () => Highlighter
  /** Called after the first update, then whenever the hosts of images waiting for consent change (sorted). */
  readonly onBlockedHosts?: (hosts: readonly string[]) => void
}

interface Entry {
  html: string
  line: number
  endLine: number
  readonly node: HTMLElement
  readonly hosts: readonly string[]
}

const CODE = 'pre > code[class*="language-"]'

/**
 * The preview's DOM: one `<div class="preview-block" data-source-line>` per top-level block,
 * inside `root` (the scroll container). It is responsible for turning blocks into sanitised nodes,
 * replacing only the blocks that changed, highlighting code, holding back remote images until
 * `allowImagesFrom`, and scrolling to a source line. It does not render Markdown (a worker does)
 * and it never inserts HTML that did not go through the sanitiser.
 */
export class PreviewView {
  private entries: Entry[] = []
  private readonly imageHosts = new Set<string>()
  private blockedHosts: string | null = null
  private destroyed = false

  constructor(
    readonly root: HTMLElement,
    private readonly options: PreviewViewOptions,
  ) {}

  /** Shows `blocks`: blocks equal to the shown ones (from either end) keep their nodes. */
  update(blocks: readonly PreviewBlock[]): void {
    this.applyPatch(diffBlocks(this.shownHtml(), blocks))
  }

  /** The HTML of the blocks shown, in order: what a patch for this view is computed against. */
  shownHtml(): string[] {
    return this.entries.map((entry) => entry.html)
  }

  /** Applies a patch computed against `shownHtml()`; throws if it does not fit the shown blocks. */
  applyPatch(patch: BlocksPatch): void {
    if (this.destroyed) return
    const old = this.entries
    const { prefix, suffix } = patch
    const count = prefix + patch.blocks.length + suffix
    if (prefix + suffix > old.length || patch.lines.length !== count * 2) {
      throw new Error(`preview patch does not fit: ${prefix}+${suffix} kept of ${old.length}, ${patch.lines.length / 2} lines for ${count} blocks`)
    }
    for (const entry of old.slice(prefix, old.length - suffix)) entry.node.remove()
    const before = old[old.length - suffix]?.node ?? null
    const created = patch.blocks.map((block) => this.createEntry(block))
    const fragment = this.root.ownerDocument.createDocumentFragment()
    for (const entry of created) fragment.append(entry.node)
    this.root.insertBefore(fragment, before)

    this.entries = [...old.slice(0, prefix), ...created, ...old.slice(old.length - suffix)]
    this.entries.forEach((entry, i) => {
      const line = patch.lines[2 * i] as number
      if (entry.line !== line) entry.node.dataset.sourceLine = String(line)
      entry.line = line
      entry.endLine = patch.lines[2 * i + 1] as number
    })
    this.reportHosts()
  }

  /** Loads the images of `host` (https only), now and for the rest of this view's life. */
  allowImagesFrom(host: string): void {
    if (this.destroyed || this.imageHosts.has(host)) return
    this.imageHosts.add(host)
    this.entries = this.entries.map((entry) => {
      if (!entry.hosts.includes(host)) return entry
      const next = this.createEntry(entry)
      entry.node.replaceWith(next.node)
      return next
    })
    this.reportHosts()
  }

  /** Highlights every code block again: the editor's colour scheme changed. */
  rehighlight(language?: string): void {
    if (this.destroyed) return
    for (const code of this.root.querySelectorAll(CODE)) this.highlight(code, language)
  }

  /**
   * Scrolls so that source line `line` (0-based, fractional: 10.5 is half-way through line 11) is
   * at the top, interpolating inside the block that holds it.
   */
  scrollToLine(line: number): void {
    const entries = this.entries
    if (this.destroyed || entries.length === 0) return
    let low = 0
    let high = entries.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if ((entries[mid] as Entry).line <= line) low = mid
      else high = mid - 1
    }
    const entry = entries[low] as Entry
    const span = Math.max(1, entry.endLine - entry.line)
    const fraction = Math.min(1, Math.max(0, (line - entry.line) / span))
    this.root.scrollTop = entry.node.offsetTop + fraction * entry.node.offsetHeight
  }

  /** Idempotent: empties the root; later calls do nothing. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const entry of this.entries) entry.node.remove()
    this.entries = []
  }

  private createEntry(block: PreviewBlock): Entry {
    const node = this.root.ownerDocument.createElement('div')
    node.className = 'preview-block'
    node.dataset.sourceLine = String(block.line)
    node.append(this.options.sanitizer.sanitize(block.html, this.imageHosts))
    for (const code of node.querySelectorAll(CODE)) this.highlight(code)
    const hosts = new Set<string>()
    for (const image of node.querySelectorAll('img[data-remote-host]')) hosts.add(image.getAttribute('data-remote-host') as string)
    return { html: block.html, line: block.line, endLine: block.endLine, node, hosts: [...hosts] }
  }

  private highlight(code: Element, only?: string): void {
    const word = /(?:^|\s)language-(\S+)/.exec(code.className)?.[1]
    const id = word === undefined ? null : codeLanguageId(word)
    if (id === null || (only !== undefined && id !== only)) return
    const parser = loadedCodeParser(id)
    if (parser === undefined) {
      void loadCodeParser(id).then((loaded) => loaded && this.rehighlight(id))
      return
    }
    if (parser === null) return
    highlightCodeElement(code, parser, this.options.highlighter?.() ?? classHighlighter)
  }

  private reportHosts(): void {
    const hosts = [...new Set(this.entries.flatMap((entry) => entry.hosts))].sort()
    const key = hosts.join(' ')
    if (key === this.blockedHosts) return
    this.blockedHosts = key
    this.options.onBlockedHosts?.(hosts)
  }
}
