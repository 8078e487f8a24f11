import type { MarkdownIt, StateCore } from 'markdown-it'

const MARKER = /^\[([ xX])\][ \t]/

/**
 * GitHub's task lists for markdown-it: a list item whose first paragraph starts with `[ ] ` or
 * `[x] ` gets a disabled checkbox. It adds classes `task-list-item` (the item) and
 * `contains-task-list` (the list) and nothing else; the checkbox is an `html_inline` token, so it
 * goes through the preview's sanitiser like every other piece of HTML.
 *
 * Written here (20 lines) rather than taken from markdown-it-task-lists, which has been
 * unmaintained since 2018.
 */
export function taskLists(md: MarkdownIt): void {
  md.core.ruler.after('inline', 'meshpad_task_lists', (state: StateCore) => {
    const tokens = state.tokens
    for (let i = 2; i < tokens.length; i++) {
      const inline = tokens[i]
      const paragraph = tokens[i - 1]
      const item = tokens[i - 2]
      if (inline?.type !== 'inline' || paragraph?.type !== 'paragraph_open' || item?.type !== 'list_item_open') continue
      const first = inline.children?.[0]
      const match = first?.type === 'text' ? MARKER.exec(first.content) : null
      if (!first || !match) continue
      first.content = first.content.slice(match[0].length)
      const box = new state.Token('html_inline', '', 0)
      box.content = `<input type="checkbox" class="task-list-item-checkbox" disabled${match[1] === ' ' ? '' : ' checked'}> `
      inline.children?.unshift(box)
      item.attrJoin('class', 'task-list-item')
      // The enclosing list: the nearest earlier list opening one level up.
      for (let j = i - 3; j >= 0; j--) {
        const list = tokens[j]
        if (list && (list.type === 'bullet_list_open' || list.type === 'ordered_list_open') && list.level === item.level - 1) {
          if (!String(list.attrGet('class') ?? '').includes('contains-task-list')) list.attrJoin('class', 'contains-task-list')
          break
        }
      }
    }
  })
}
