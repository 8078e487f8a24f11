// @vitest-environment jsdom
import { describe, expect, test } from 'vitest'
import { createPreviewSanitizer } from './createPreviewSanitizer'
import { HOSTILE_PAYLOADS } from './hostilePayloads'
import { PreviewView } from './PreviewView'
import { renderMarkdownBlocks } from './renderMarkdownBlocks'

/**
 * What the preview inserts for each hostile payload: the blocks' HTML after sanitising, joined
 * with "|" between blocks. Reviewed one by one: no script, handler, frame, form, style, SVG or
 * MathML survives; links are absolute http(s)/mailto, new tab, no opener, no Referer; remote
 * images have no `src`.
 */
const EXPECTED: Readonly<Record<string, string>> = {
  "script tag": "",
  "upper-case script with src": "",
  "split script tag": "<p>&lt;scr</p>\n",
  "script inside a paragraph": "<p>before  after</p>\n",
  "script in a fence stays text": "<pre><code class=\"language-html\">&lt;script&gt;window.__pwned = 4&lt;/script&gt;\n</code></pre>\n",
  "img onerror": "<img>",
  "div onclick, mixed case": "<div>click</div>",
  "link onmouseover": "<p><a href=\"https://example.com/\" target=\"_blank\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\">hover</a></p>\n",
  "details ontoggle": "<details open=\"\"><summary>s</summary>d</details>",
  "input autofocus onfocus": "<input type=\"checkbox\" disabled=\"\" title=\"Task\">",
  "body onload": "",
  "marquee onstart": "<p>m</p>\n",
  "handler after slash": "<p>&lt;img/src=x/onerror=window.__pwned=12&gt;</p>\n",
  "markdown javascript: link": "<p>[a](javascript:window.__pwned=13)</p>\n",
  "mixed-case scheme": "<p>[a](JaVaScRiPt:window.__pwned=14)</p>\n",
  "entity-encoded scheme in HTML": "<p><a>e</a></p>\n",
  "padded entities": "<p><a>e</a></p>\n",
  "tab inside the scheme": "<p><a>t</a></p>\n",
  "newline inside the scheme": "<p><a>n</a></p>\n",
  "leading space and control char": "<p><a>c</a></p>\n",
  "entity colon": "<p><a>c</a></p>\n",
  "markdown entity scheme": "<p>[a](javascript:window.__pwned=21)</p>\n",
  "angle-bracket link destination": "<p>[a](&lt;javascript:window.__pwned=22&gt;)</p>\n",
  "autolink javascript:": "<p>&lt;javascript:window.__pwned=23&gt;</p>\n",
  "vbscript:": "<p>[a](vbscript:msgbox)</p>\n",
  "data:text/html link": "<p>[a](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0yNDwvc2NyaXB0Pg==)</p>\n",
  "data:text/html in HTML": "<p><a>d</a></p>\n",
  "file: link": "<p>[a](file:///etc/passwd)</p>\n",
  "javascript: image": "<p>![x](javascript:window.__pwned=26)</p>\n",
  "data:text/html image": "<img>",
  "svg script": "<p></p>\n",
  "svg onload": "<p></p>\n",
  "foreignObject iframe": "<p></p>\n",
  "xlink:href javascript": "<p></p>\n",
  "animate to javascript:": "<p></p>\n",
  "use with external href": "<p></p>\n",
  "svg data image (markdown-it allows raster data images only)": "<p>![s](data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=)</p>\n",
  "mglyph style mXSS": "<p></p>",
  "maction xlink:href": "<p></p>\n",
  "math href": "<p></p>\n",
  "form/math namespace confusion": "",
  "unclosed nesting": "<div><div><p>unclosed <b>bold</b></p></div></div>",
  "attribute that closes the tag": "<p title=\"&lt;/p&gt;&lt;img src=x onerror=window.__pwned=37&gt;\">t</p>",
  "comment hiding a tag": "after",
  "CDATA": "]]&gt;",
  "noscript mXSS": "<p></p><p></p>\n",
  "textarea": "&lt;img src=x onerror=window.__pwned=41&gt;",
  "xmp": "<p></p><p></p>\n",
  "template": "<p></p>\n",
  "nested links": "<p><a href=\"https://example.com/\" target=\"_blank\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\"></a><a>in</a></p>\n",
  "broken quotes": "<p>&lt;img \"\"\"&gt;\"&gt;</p>\n",
  "table svg desc": "<table><tbody><tr><td></td></tr></tbody></table>",
  "iframe": "",
  "iframe srcdoc": "",
  "object": "<p></p>\n",
  "embed": "",
  "form with button": "<input type=\"checkbox\" disabled=\"\" title=\"Task\">send",
  "base href": "",
  "meta refresh": "",
  "link stylesheet": "",
  "input type image": "<input type=\"checkbox\" disabled=\"\" title=\"Task\">",
  "style @import": "",
  "style url()": "",
  "style attribute url()": "<div>s</div>",
  "CSS expression": "<div>e</div>",
  "overlay over the app": "<div>fake dialog</div>",
  "app class names": "<div>pretend</div>",
  "table background": "<table><tbody><tr><td>t</td></tr></tbody></table>",
  "img srcset": "<img alt=\"s\">",
  "video poster": "<p></p>\n",
  "picture source": "<p><img alt=\"p\"></p>\n",
  "plain link": "<p><a href=\"https://example.com/page?q=1#their-fragment\" title=\"Title\" target=\"_blank\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\">site</a></p>\n",
  "fragment-only link": "<p><a>jump</a></p>\n",
  "HTML fragment link": "<p><a>jump</a></p>\n",
  "relative link": "<p><a>rel</a></p>\n",
  "protocol-relative link": "<p><a>proto</a></p>\n",
  "target and rel from the text": "<p><a href=\"https://example.com/\" target=\"_blank\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\">t</a></p>\n",
  "ping, download and referrerpolicy": "<p><a href=\"https://example.com/\" target=\"_blank\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\">p</a></p>\n",
  "bare URL (linkify)": "<p>see <a href=\"https://example.com/x\" target=\"_blank\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\">https://example.com/x</a> for more</p>\n",
  "mailto": "<p><a href=\"mailto:someone@example.com\" target=\"_blank\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\">mail</a></p>\n",
  "id and name (DOM clobbering)": "<p><a href=\"https://example.com/\" target=\"_blank\" rel=\"noopener noreferrer\" referrerpolicy=\"no-referrer\">c</a><img alt=\"n\"></p>\n",
  "remote https image": "<p><img alt=\"cat\" data-remote-host=\"images.example.test\"></p>\n",
  "remote http image": "<p><img alt=\"cat\" data-blocked=\"insecure\"></p>\n",
  "relative image": "<p><img alt=\"rel\"></p>\n",
  "protocol-relative image": "<img alt=\"p\">",
  "data image": "<p><img alt=\"dot\" src=\"data:image/png;base64,iVBORw0KGgo=\"></p>\n",
}

const TAGS = new Set(['A', 'ABBR', 'B', 'BDI', 'BDO', 'BLOCKQUOTE', 'BR', 'CAPTION', 'CITE', 'CODE', 'DD', 'DEL', 'DETAILS', 'DFN', 'DIV', 'DL', 'DT', 'EM', 'FIGCAPTION', 'FIGURE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HR', 'I', 'IMG', 'INPUT', 'INS', 'KBD', 'LI', 'MARK', 'OL', 'P', 'PRE', 'Q', 'RP', 'RT', 'RUBY', 'S', 'SAMP', 'SMALL', 'SPAN', 'STRIKE', 'STRONG', 'SUB', 'SUMMARY', 'SUP', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD', 'TR', 'TT', 'U', 'UL', 'VAR', 'WBR'])
const FORBIDDEN_ATTRIBUTES = /^(?:on.*|style|id|name|srcset|background|poster|ping|download|action|formaction|xlink:href|srcdoc|data)$/i

function render(markdown: string, allowHosts: readonly string[] = []): HTMLElement {
  const root = document.createElement('div')
  const view = new PreviewView(root, { sanitizer: createPreviewSanitizer(window) })
  view.update(renderMarkdownBlocks(markdown))
  for (const host of allowHosts) view.allowImagesFrom(host)
  return root
}

function blocksHtml(root: HTMLElement): string {
  return [...root.children].map((block) => block.innerHTML).join('|')
}

/** The invariants every preview holds, whatever the text. */
function expectInert(root: HTMLElement, allowHosts: readonly string[] = []): void {
  for (const element of root.querySelectorAll('*')) {
    expect(TAGS, element.outerHTML).toContain(element.tagName)
    for (const name of element.getAttributeNames()) expect(name, element.outerHTML).not.toMatch(FORBIDDEN_ATTRIBUTES)
  }
  for (const link of root.querySelectorAll('a[href]')) {
    expect(['http:', 'https:', 'mailto:']).toContain(new URL(link.getAttribute('href') as string).protocol)
    expect(link.getAttribute('target')).toBe('_blank')
    expect(link.getAttribute('rel')).toBe('noopener noreferrer')
    expect(link.getAttribute('referrerpolicy')).toBe('no-referrer')
  }
  for (const image of root.querySelectorAll('img[src]')) {
    const src = image.getAttribute('src') as string
    if (src.startsWith('data:image/')) continue
    expect(allowHosts).toContain(new URL(src).host)
    expect(new URL(src).protocol).toBe('https:')
  }
  for (const input of root.querySelectorAll('input')) {
    expect(input.getAttribute('type')).toBe('checkbox')
    expect(input.hasAttribute('disabled')).toBe(true)
  }
}

describe('hostile input: what the preview inserts', () => {
  test('the suite covers at least 50 payloads across every family', () => {
    expect(HOSTILE_PAYLOADS.length).toBeGreaterThanOrEqual(50)
    expect(new Set(HOSTILE_PAYLOADS.map((payload) => payload.family))).toEqual(
      new Set(['script', 'handler', 'url', 'svg', 'mathml', 'malformed', 'embed', 'css', 'link', 'image']),
    )
    expect(Object.keys(EXPECTED).sort()).toEqual(HOSTILE_PAYLOADS.map((payload) => payload.name).sort())
  })

  test.each(HOSTILE_PAYLOADS)('$family: $name', (payload) => {
    const root = render(payload.markdown)
    expect(blocksHtml(root)).toBe(EXPECTED[payload.name])
    expectInert(root)
  })

  test('all payloads in one document, as a peer would type them', () => {
    const root = render(HOSTILE_PAYLOADS.map((payload) => payload.markdown).join('\n\n'))
    expectInert(root)
    expect(root.innerHTML).not.toMatch(/<(?:script|style|iframe|object|embed|form|svg|math|base|meta|link)\b/i)
  })
})
