import { expect, test } from './support/test.js'
import { EDITOR, editorText, openPeer, typeAtEnd } from './support/peer.js'

test('search and bracket closing load when first used: Ctrl-F finds, a selection highlights its other occurrences, ( closes', async ({ browser, server }) => {
  const { context, page } = await openPeer(browser, server.url)
  await typeAtEnd(page, 'alpha beta alpha gamma')

  // Selecting a word marks its other occurrence.
  await page.locator(EDITOR).getByText('alpha beta alpha gamma').dblclick({ position: { x: 5, y: 5 } })
  await expect(page.locator('.cm-selectionMatch')).toHaveCount(1)

  // Ctrl-F opens the search panel; Enter selects the next match.
  await page.keyboard.press('Control+End')
  await page.keyboard.press('Control+f')
  const field = page.getByRole('textbox', { name: 'Find' })
  await expect(field).toBeFocused()
  await field.pressSequentially('gamma')
  await field.press('Enter')
  await expect.poll(() => page.evaluate(() => {
    const view = (document.querySelector('.cm-content') as Element & { cmTile?: { root?: { view?: { state: { sliceDoc(from: number, to: number): string; selection: { main: { from: number; to: number } } } } } } }).cmTile?.root?.view
    const range = view?.state.selection.main
    return range && view?.state.sliceDoc(range.from, range.to)
  })).toBe('gamma')
  await field.press('Escape')
  await expect(field).toHaveCount(0)

  // Bracket closing (loaded on the first key in the editor, above): ( gets its ), Backspace removes both.
  await typeAtEnd(page, ' call(')
  await expect.poll(() => editorText(page)).toBe('alpha beta alpha gamma call()')
  await page.keyboard.press('Backspace')
  await expect.poll(() => editorText(page)).toBe('alpha beta alpha gamma call')
  await context.close()
})
