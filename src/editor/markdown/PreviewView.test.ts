// @vitest-environment jsdom
import { describe, expect, it } from 'vitest'
import { loadCodeParser } from './codeParsers'
import { createPreviewSanitizer } from './createPreviewSanitizer'
import { PreviewView } from './PreviewView'
import { renderMarkdownBlocks } from './renderMarkdownBlocks'
import { waitFor } from '../../../signaling/testing/conditions'

function mount(): { root: HTMLElement; view: PreviewView; hosts: string[][] } {
  const root = document.createElement('div')
  const hosts: string[][] = []
  const view = new PreviewView(root, { sanitizer: createPreviewSanitizer(window), onBlockedHosts: (next) => hosts.push([...next]) })
  return { root, view, hosts }
}

describe('PreviewView', () => {
  it('replaces only the blocks an edit changed, and moves the source lines of the rest', () => {
    const { root, view } = mount()
    view.update(renderMarkdownBlocks('# A\n\nfirst\n\nsecond\n\nthird\n'))
    const [heading, first, second, third] = [...root.children]
    view.update(renderMarkdownBlocks('# A\n\nfirst\n\nnew\nline\n\nthird\n'))
    const after = [...root.children]
    expect(after).toHaveLength(4)
    expect(after[0]).toBe(heading)
    expect(after[1]).toBe(first)
    expect(after[2]).not.toBe(second)
    expect(after[2]?.textContent).toBe('new\nline\n')
    expect(after[3]).toBe(third)
    expect(after.map((block) => (block as HTMLElement).dataset.sourceLine)).toEqual(['0', '2', '4', '7'])

    view.update(renderMarkdownBlocks('# A\n\nthird\n'))
    expect([...root.children].map((block) => block.textContent)).toEqual(['A\n', 'third\n'])
  })

  it('holds back remote images until the person allows their host, one host at a time', () => {
    const { root, view, hosts } = mount()
    view.update(renderMarkdownBlocks('![a](https://one.example/a.png)\n\n![b](https://two.example/b.png)\n\ntext'))
    expect(hosts).toEqual([['one.example', 'two.example']])
    expect(root.querySelectorAll('img[src]')).toHaveLength(0)

    view.allowImagesFrom('one.example')
    expect(hosts.at(-1)).toEqual(['two.example'])
    expect([...root.querySelectorAll('img[src]')].map((image) => image.getAttribute('src'))).toEqual(['https://one.example/a.png'])
    expect(root.querySelector('img[src]')?.getAttribute('referrerpolicy')).toBe('no-referrer')

    // A later edit keeps the consent; a new host asks again.
    view.update(renderMarkdownBlocks('![a](https://one.example/c.png)\n\n![d](https://three.example/d.png)'))
    expect([...root.querySelectorAll('img[src]')].map((image) => image.getAttribute('src'))).toEqual(['https://one.example/c.png'])
    expect(hosts.at(-1)).toEqual(['three.example'])
  })

  it("highlights fenced code with the editor's language once it is loaded, as text only", async () => {
    const { root, view } = mount()
    await loadCodeParser('javascript')
    view.update(renderMarkdownBlocks('```js\nconst x = "<img src=x onerror=alert(1)>"\n```'))
    const code = root.querySelector('pre > code') as HTMLElement
    expect(code.textContent).toBe('const x = "<img src=x onerror=alert(1)>"\n')
    expect([...code.querySelectorAll('span')].map((span) => `${span.className}:${span.textContent}`)).toContain('tok-keyword:const')
    expect(code.querySelector('img')).toBeNull()
  })

  it('highlights code of a language loaded later, when it arrives', async () => {
    const { root, view } = mount()
    view.update(renderMarkdownBlocks('```python\ndef f(): pass\n```'))
    await waitFor(() => root.querySelector('pre > code span.tok-keyword') !== null)
    expect(root.querySelector('pre > code')?.textContent).toBe('def f(): pass\n')
  })

  it('leaves code in languages the editor does not know plain', () => {
    const { root, view } = mount()
    view.update(renderMarkdownBlocks('```brainfuck\n+++.\n```'))
    expect(root.querySelector('pre > code')?.innerHTML).toBe('+++.\n')
  })

  it('is destroyed once: it empties its root and ignores later updates', () => {
    const { root, view } = mount()
    view.update(renderMarkdownBlocks('text'))
    view.destroy()
    view.destroy()
    view.update(renderMarkdownBlocks('more'))
    expect(root.childElementCount).toBe(0)
  })
})

describe('PreviewView.applyPatch', () => {
  it('refuses a patch computed against other blocks, and changes nothing', () => {
    const { root, view } = mount()
    view.update(renderMarkdownBlocks('one\n\ntwo\n'))
    const before = root.innerHTML
    expect(() => view.applyPatch({ prefix: 2, suffix: 1, blocks: [], lines: new Uint32Array(6) })).toThrow(/does not fit/)
    expect(() => view.applyPatch({ prefix: 1, suffix: 0, blocks: [], lines: new Uint32Array(6) })).toThrow(/does not fit/)
    expect(root.innerHTML).toBe(before)
  })
})
