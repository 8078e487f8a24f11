import type { Browser, BrowserContext, Page } from '@playwright/test'
import { expect, test } from './support/test.js'
import { stopServer } from './support/offline.js'
import { comment, selectWords } from './support/comments.js'
import { EDITOR, expectDocumentText, openPeer, typeAtEnd, waitForSaved, waitForWebrtcPeers } from './support/peer.js'

function threads(page: Page) {
  return page.getByTestId('comment-thread')
}

/** The words marked as commented in the editor (without other people's cursors and names). */
async function marked(page: Page): Promise<string[]> {
  return page.locator(`${EDITOR} .cm-comment`).evaluateAll((marks) =>
    marks.map((mark) => {
      const copy = mark.cloneNode(true) as HTMLElement
      copy.querySelectorAll('.cm-ySelectionCaret, .cm-ySelectionInfo').forEach((cursor) => cursor.remove())
      return (copy.textContent ?? '').replace(/\u2060/g, '')
    }),
  )
}

/** A writes `text` in a new room; B opens its link and has the text over WebRTC. */
async function twoPeersWith(browser: Browser, url: string, text: string): Promise<{ a: { context: BrowserContext; page: Page }; b: { context: BrowserContext; page: Page } }> {
  const a = await openPeer(browser, url)
  await typeAtEnd(a.page, text)
  const b = await openPeer(browser, a.page.url())
  await waitForWebrtcPeers(a.page, 1)
  await expectDocumentText(b.page, text)
  return { a, b }
}

async function openPanel(page: Page): Promise<void> {
  const toggle = page.getByRole('button', { name: /^Comments/ })
  if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click()
  await expect(page.getByRole('complementary', { name: 'Comments' })).toBeVisible()
}

test('A comments, B replies while apart and merges, A resolves; only the author edits or deletes', async ({ browser, server }) => {
  test.setTimeout(90_000)
  const { a, b } = await twoPeersWith(browser, server.url, 'The quick brown fox jumps over the lazy dog.')

  await comment(a.page, 'brown fox', 'Which fox?')
  await expect(threads(a.page)).toHaveCount(1)
  await expect.poll(() => marked(a.page)).toEqual(['brown fox'])
  await expect.poll(() => marked(b.page)).toEqual(['brown fox'])
  await openPanel(b.page)
  await expect(threads(b.page)).toHaveCount(1)
  await expect(threads(b.page).first()).toContainText('“brown fox”')
  await expect(threads(b.page).first()).toContainText('Which fox?')
  // B may not edit or delete A's comment: no control for it.
  await expect(threads(b.page).getByRole('button', { name: 'Edit' })).toHaveCount(0)
  await expect(threads(b.page).getByRole('button', { name: 'Delete' })).toHaveCount(0)
  await expect(threads(a.page).getByRole('button', { name: 'Edit' })).toHaveCount(1)

  // Apart: no server, and A's page gone (its data channel with it). B replies alone.
  await waitForSaved(a.page)
  await stopServer(server)
  await a.page.close()
  await expect(b.page.getByTestId('status-peers')).not.toHaveText(/Synced with 1 peer/, { timeout: 15_000 })
  await threads(b.page).first().getByRole('button', { name: 'Reply' }).click()
  await b.page.getByRole('textbox', { name: 'Reply' }).fill('The brown one, offline.')
  await b.page.getByRole('button', { name: 'Send reply' }).click()
  await expect(threads(b.page).first().getByTestId('comment')).toHaveCount(2)
  await waitForSaved(b.page)

  // Together again: A comes back from its own copy; B's reply arrives.
  await server.start()
  const again = await a.context.newPage()
  await again.goto(b.page.url())
  await waitForWebrtcPeers(again, 1, 30_000)
  await openPanel(again)
  const thread = threads(again).first()
  await expect(thread.getByTestId('comment')).toHaveCount(2)
  await expect(thread.getByTestId('comment').nth(1)).toContainText('The brown one, offline.')

  // A edits its own comment; B sees the edit. B deletes its own reply; A sees it gone.
  await thread.getByRole('button', { name: 'Edit' }).click()
  await again.getByRole('textbox', { name: 'Edit comment' }).fill('Which fox, exactly?')
  await again.getByRole('button', { name: 'Save' }).click()
  await expect(threads(b.page).first().getByTestId('comment').first()).toContainText('Which fox, exactly?')
  await expect(threads(b.page).first().getByTestId('comment').first()).toContainText('(edited)')
  await threads(b.page).first().getByTestId('comment').nth(1).getByRole('button', { name: 'Delete' }).click()
  await expect(thread.getByTestId('comment').nth(1)).toContainText('Comment deleted')

  // A resolves: the thread leaves both lists of open threads and its mark goes.
  await thread.getByRole('button', { name: 'Resolve' }).click()
  for (const page of [again, b.page]) {
    await expect(threads(page)).toHaveCount(0)
    await expect(page.getByRole('button', { name: /^Comments/ })).toHaveText('Comments')
    await expect.poll(() => marked(page)).toEqual([])
  }
  await b.page.getByLabel(/Show resolved/).check()
  await expect(threads(b.page).first()).toContainText(/Resolved by/)
  await threads(b.page).first().getByRole('button', { name: 'Reopen' }).click()
  await expect(threads(again)).toHaveCount(1)
  // Comments never touched the text.
  for (const page of [again, b.page]) await expectDocumentText(page, 'The quick brown fox jumps over the lazy dog.')
  await a.context.close()
  await b.context.close()
})

test('anchors follow concurrent edits, deletion of the words, undo and redo, on both peers', async ({ browser, server }) => {
  const { a, b } = await twoPeersWith(browser, server.url, 'one two three four five')
  await comment(a.page, 'two three', 'Numbers')
  await expect.poll(() => marked(b.page)).toEqual(['two three'])

  // B types before the words, inside them and right after them. (A's own edits stay one deletion,
  // so A's undo below takes back that deletion alone, whatever the undo manager's capture window.)
  await b.page.locator(EDITOR).focus()
  await b.page.keyboard.press('Control+Home')
  await b.page.keyboard.type('zero ')
  await selectWords(b.page, ' three')
  await b.page.keyboard.press('ArrowLeft')
  await b.page.keyboard.type(' and a half')
  await expectDocumentText(a.page, 'zero one two and a half three four five')
  await selectWords(b.page, ' four')
  await b.page.keyboard.press('ArrowLeft')
  await b.page.keyboard.type('!')
  await expectDocumentText(a.page, 'zero one two and a half three! four five')
  for (const page of [a.page, b.page]) await expect.poll(() => marked(page).then((m) => m.join(''))).toBe('two and a half three')

  // A deletes the words: the thread stays, on deleted text, with its quote.
  await selectWords(a.page, 'two and a half three')
  await a.page.keyboard.press('Delete')
  await expectDocumentText(b.page, 'zero one ! four five')
  for (const page of [a.page, b.page]) {
    await openPanel(page)
    await expect(threads(page).first()).toHaveAttribute('data-status', 'deleted')
    await expect(threads(page).first()).toContainText('On deleted text')
    await expect(threads(page).first()).toContainText('“two three”')
    await expect.poll(() => marked(page)).toEqual([])
  }

  // Undo brings the words back and the thread onto them, on both peers; redo deletes them again.
  await a.page.locator(EDITOR).focus()
  await a.page.keyboard.press('Control+z')
  await expectDocumentText(b.page, 'zero one two and a half three! four five')
  for (const page of [a.page, b.page]) {
    await expect(threads(page).first()).toHaveAttribute('data-status', 'anchored')
    await expect.poll(() => marked(page).then((m) => m.join(''))).toBe('two and a half three')
  }
  await a.page.keyboard.press('Control+y')
  await expectDocumentText(b.page, 'zero one ! four five')
  for (const page of [a.page, b.page]) await expect(threads(page).first()).toHaveAttribute('data-status', 'deleted')
  await a.context.close()
  await b.context.close()
})

test('keyboard only, in a narrow window where the panel is a sheet; a reader sees comments and cannot add one', async ({ browser, server }) => {
  const context = await browser.newContext({ viewport: { width: 600, height: 800 } })
  const page = await context.newPage()
  await page.goto(server.url)
  await page.locator(EDITOR).waitFor()
  await page.keyboard.type('Keyboard people comment too.')
  await selectWords(page, 'comment too')

  // The shortcut opens the sheet with the composer focused; Ctrl+Enter sends.
  await page.keyboard.press('Control+Alt+m')
  const box = page.getByRole('textbox', { name: 'Comment', exact: true })
  await expect(box).toBeFocused()
  await page.keyboard.type('Plain <b>text</b> only')
  await page.keyboard.press('Control+Enter')
  const thread = threads(page).first()
  await expect(thread).toContainText('Plain <b>text</b> only')
  await expect(thread.locator('b')).toHaveCount(0)
  const panel = page.getByRole('complementary', { name: 'Comments' })
  const sheet = await panel.boundingBox()
  expect(sheet).not.toBeNull()
  expect(sheet!.x).toBe(0)
  expect(sheet!.width).toBe(600)
  expect(Math.round(sheet!.y + sheet!.height)).toBe(800)

  // Focus moves to the new thread; Tab reaches its controls, with a visible focus ring; Enter on
  // its words goes to them in the editor.
  const quote = thread.getByRole('button', { name: /comment too/ })
  await expect(quote).toBeFocused()
  await page.keyboard.press('Tab')
  const edit = thread.getByRole('button', { name: 'Edit' })
  await expect(edit).toBeFocused()
  expect(await edit.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid')
  await page.keyboard.press('Shift+Tab')
  await expect(quote).toBeFocused()
  expect(await quote.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid')
  await page.keyboard.press('Enter')
  await expect(page.locator(EDITOR)).toBeFocused()
  expect(await page.evaluate(() => document.getSelection()?.toString())).toBe('comment too')
  await page.keyboard.press('Control+End')
  await page.keyboard.press('Home')
  await page.keyboard.press('ArrowRight')
  await expect(thread).not.toHaveAttribute('aria-current', 'true')
  await selectWords(page, 'comment')
  await expect(thread).toHaveAttribute('aria-current', 'true')

  // A reader (read-only link) sees the thread and no way to add, reply or resolve.
  const readFragment = await page.evaluate(() => window.meshpad!.session.access.readFragment)
  const reader = await openPeer(browser, `${server.url}#${readFragment}`)
  await openPanel(reader.page)
  await expect(threads(reader.page)).toHaveCount(1)
  await expect(threads(reader.page).first()).toContainText('Plain <b>text</b> only')
  await expect(reader.page.getByText('You have a read-only link: you can read comments, not add them.', { exact: false })).toBeVisible()
  await expect(reader.page.getByRole('button', { name: 'Comment', exact: true })).toHaveCount(0)
  for (const name of ['Reply', 'Resolve', 'Edit', 'Delete']) await expect(reader.page.getByRole('button', { name })).toHaveCount(0)
  // Its editor takes the keyboard (to select and copy), and the shortcut opens no composer.
  await selectWords(reader.page, 'comment too')
  await expect(reader.page.locator(EDITOR)).toBeFocused()
  // (Without the word joiners around the writer's cursor, drawn inside the text.)
  expect(await reader.page.evaluate(() => document.getSelection()?.toString().replace(/\u2060/g, ''))).toBe('comment too')
  await reader.page.keyboard.press('Control+Alt+m')
  await expect(reader.page.getByRole('textbox', { name: 'Comment', exact: true })).toHaveCount(0)
  await reader.context.close()
  await context.close()
})
