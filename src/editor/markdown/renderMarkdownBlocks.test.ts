import { describe, expect, it } from 'vitest'
import { renderMarkdownBlocks } from './renderMarkdownBlocks'

const html = (text: string): string => renderMarkdownBlocks(text).map((block) => block.html).join('')

describe('renderMarkdownBlocks: CommonMark plus GitHub extensions', () => {
  it('renders tables with their alignment as attributes, never styles', () => {
    expect(html('| a | b | c |\n|:--|--:|:-:|\n| 1 | 2 | 3 |')).toBe(
      '<table>\n<thead>\n<tr>\n<th align="left">a</th>\n<th align="right">b</th>\n<th align="center">c</th>\n</tr>\n</thead>\n' +
        '<tbody>\n<tr>\n<td align="left">1</td>\n<td align="right">2</td>\n<td align="center">3</td>\n</tr>\n</tbody>\n</table>\n',
    )
  })

  it('renders strikethrough, autolinks and bare URLs with a scheme', () => {
    expect(html('~~gone~~ <https://a.example/> and https://b.example/x, not www.example.com or README.md')).toBe(
      '<p><s>gone</s> <a href="https://a.example/">https://a.example/</a> and <a href="https://b.example/x">https://b.example/x</a>, not www.example.com or README.md</p>\n',
    )
  })

  it('renders task lists, checked and not, and leaves other lists alone', () => {
    expect(html('- [ ] todo\n- [x] done\n- plain\n\n1. [X] numbered')).toBe(
      '<ul class="contains-task-list">\n' +
        '<li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled> todo</li>\n' +
        '<li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled checked> done</li>\n' +
        '<li>plain</li>\n</ul>\n' +
        '<ol class="contains-task-list">\n<li class="task-list-item"><input type="checkbox" class="task-list-item-checkbox" disabled checked> numbered</li>\n</ol>\n',
    )
    expect(html('- [y] not a task\n- [ ]no space')).toBe('<ul>\n<li>[y] not a task</li>\n<li>[ ]no space</li>\n</ul>\n')
  })

  it('marks fenced code with its language for highlighting, escaped', () => {
    expect(html('```ts title="x"\nconst a = "<b>"\n```')).toBe('<pre><code class="language-ts">const a = &quot;&lt;b&gt;&quot;\n</code></pre>\n')
  })

  it('splits the document into top-level blocks with their source lines', () => {
    const blocks = renderMarkdownBlocks('# Title\n\nOne\ntwo\n\n- a\n- b\n\n```\ncode\n```\n')
    expect(blocks.map(({ line, endLine }) => [line, endLine])).toEqual([[0, 1], [2, 4], [5, 8], [8, 11]])
    expect(blocks.map((block) => block.html.slice(0, 4))).toEqual(['<h1>', '<p>O', '<ul>', '<pre'])
  })

  it('resolves reference links defined in another block', () => {
    expect(html('See [the spec][cm].\n\n[cm]: https://spec.commonmark.org/ "CommonMark"')).toBe(
      '<p>See <a href="https://spec.commonmark.org/" title="CommonMark">the spec</a>.</p>\n',
    )
  })

  it('renders an empty text as no blocks', () => {
    expect(renderMarkdownBlocks('')).toEqual([])
  })
})

describe('renderMarkdownBlocks: HTML that wraps Markdown', () => {
  it('keeps an element opened in one HTML block and closed in a later one in one block', () => {
    const blocks = renderMarkdownBlocks('<details>\n<summary>More</summary>\n\nHidden **text**\n\n</details>\n\nAfter\n')
    expect(blocks.map((block) => block.html)).toEqual([
      '<details>\n<summary>More</summary>\n<p>Hidden <strong>text</strong></p>\n</details>\n',
      '<p>After</p>\n',
    ])
    expect(blocks.map(({ line, endLine }) => [line, endLine])).toEqual([[0, 6], [7, 8]])
  })

  it('joins at most 50 blocks for an element never closed', () => {
    const blocks = renderMarkdownBlocks(`<div>\n\n${Array.from({ length: 120 }, (_, i) => `p${i}`).join('\n\n')}\n`)
    expect(blocks.length).toBeGreaterThan(60)
    expect(blocks[0]?.html.startsWith('<div>\n<p>p0</p>\n')).toBe(true)
  })

  it('does not count void or self-closing elements as open', () => {
    expect(renderMarkdownBlocks('<img src="x.png">\n\n<br/>\n\ntext\n')).toHaveLength(3)
  })
})
