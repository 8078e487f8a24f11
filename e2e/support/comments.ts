import { expect, type Page } from '@playwright/test'
import { EDITOR, editorText } from './peer.js'

/** Selects `words` in the editor with the keyboard alone (they must occur once). */
export async function selectWords(page: Page, words: string): Promise<void> {
  const text = await editorText(page)
  const at = text.indexOf(words)
  expect(at, `"${words}" in "${text}"`).toBeGreaterThanOrEqual(0)
  await page.locator(EDITOR).focus()
  await page.keyboard.press('Control+Home')
  for (let i = 0; i < at; i++) await page.keyboard.press('ArrowRight')
  for (let i = 0; i < words.length; i++) await page.keyboard.press('Shift+ArrowRight')
}

/** Comments on `words` through the "Comment" control and the composer. */
export async function comment(page: Page, words: string, body: string): Promise<void> {
  await selectWords(page, words)
  await page.getByRole('button', { name: 'Comment', exact: true }).click()
  await page.getByRole('textbox', { name: 'Comment', exact: true }).fill(body)
  await page.getByRole('button', { name: 'Add comment' }).click()
}
