import AxeBuilder from '@axe-core/playwright'
import type { Browser, Page } from '@playwright/test'
import { expect, test } from './support/test.js'
import { EDITOR, expectDocumentText, openPeer, waitForWebrtcPeers } from './support/peer.js'
import { selectWords } from './support/comments.js'
import { openMyDocuments } from './support/documents.js'

/** WCAG 2.0 and 2.1, levels A and AA: every rule axe-core tags so. */
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

/**
 * A page axe-core can examine: the server's Content-Security-Policy blocks scripts a test injects,
 * so this context alone bypasses it (every other test runs the app under its CSP).
 */
async function openCheckedPeer(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true })
  const page = await context.newPage()
  await page.goto(url)
  await page.locator(EDITOR).waitFor()
  return page
}

/** Puts the caret at the end and inserts `text` as one input (no auto-indent or bracket closing). */
async function insertAtEnd(page: Page, text: string): Promise<void> {
  await page.locator(EDITOR).click()
  await page.keyboard.press('Control+End')
  await page.keyboard.insertText(text)
}

/** Each violation as `rule (impact): targets — help`, so a failure says what to fix. */
async function wcagViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze()
  return violations.map((violation) => {
    const targets = violation.nodes.map((node) => node.target.join(' ')).join('; ')
    return `${violation.id} (${violation.impact ?? 'no impact'}): ${targets} — ${violation.help}`
  })
}

test('every screen passes axe-core’s WCAG 2.1 A and AA rules with no violation', async ({ browser, server }) => {
  test.setTimeout(120_000)
  const a = await openCheckedPeer(browser, server.url)

  await test.step('an empty room', async () => {
    expect(await wcagViolations(a)).toEqual([])
  })

  await test.step('a busy room: two people, text', async () => {
    const b = await openPeer(browser, a.url())
    await waitForWebrtcPeers(a, 1)
    await insertAtEnd(a, 'function greet(name) {\n  return `Hello, ${name}`\n}\n')
    await a.getByLabel('Document title').fill('Greetings')
    await insertAtEnd(b.page, '// reviewed by B\n')
    await expectDocumentText(a, 'function greet(name) {\n  return `Hello, ${name}`\n}\n// reviewed by B\n')
    await expect(a.getByRole('complementary', { name: 'People in this document' }).getByRole('listitem')).toHaveCount(2)
    expect(await wcagViolations(a)).toEqual([])
  })

  await test.step('comments: the composer, and the panel with a thread', async () => {
    await selectWords(a, 'function')
    await a.getByRole('button', { name: 'Comment', exact: true }).click()
    await a.getByRole('textbox', { name: 'Comment', exact: true }).fill('Should this be an arrow function?')
    expect(await wcagViolations(a)).toEqual([])
    await a.getByRole('button', { name: 'Add comment' }).click()
    const panel = a.getByRole('complementary', { name: 'Comments' })
    const toggle = a.getByRole('button', { name: /^Comments/ })
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click()
    await expect(panel.getByTestId('comment-thread')).toHaveCount(1)
    expect(await wcagViolations(a)).toEqual([])
    await toggle.click()
    await expect(panel).toBeHidden()
  })

  await test.step('the “My documents” dialog', async () => {
    const dialog = await openMyDocuments(a)
    expect(await wcagViolations(a)).toEqual([])
    await a.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
  })

  await test.step('the “Remove someone” dialog', async () => {
    await a.getByRole('button', { name: 'Remove someone…' }).click()
    const dialog = a.getByRole('dialog', { name: 'Remove someone' })
    await expect(dialog.getByRole('checkbox')).toHaveCount(1)
    expect(await wcagViolations(a)).toEqual([])
    await a.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
  })

  await test.step('History: the dialog, and a version shown beside today’s text', async () => {
    const history = a.getByRole('dialog', { name: 'History' })
    await a.getByRole('button', { name: 'History' }).click()
    await expect(history).toBeVisible()
    await history.getByLabel('Version name').fill('First draft')
    await history.getByRole('button', { name: 'Save version' }).click()
    await expect(history.getByTestId('version-entry').filter({ hasText: 'First draft' })).toHaveCount(1)
    expect(await wcagViolations(a)).toEqual([])
    await a.keyboard.press('Escape')
    await expect(history).toBeHidden()
    await insertAtEnd(a, 'greet("Ada")\n')
    await a.getByRole('button', { name: 'History' }).click()
    await history.getByTestId('version-entry').filter({ hasText: 'First draft' }).getByRole('button').click()
    await expect(history.getByRole('button', { name: 'Restore' })).toBeVisible()
    expect(await wcagViolations(a)).toEqual([])
    await a.keyboard.press('Escape')
    await expect(history).toBeHidden()
  })

  await test.step('the Markdown preview', async () => {
    await a.getByLabel('Language').selectOption('markdown')
    await insertAtEnd(a, '\n# Notes\n\n- [x] done\n- [ ] [a link](https://example.org)\n\n```js\nconst answer = 42\n```\n')
    const toggle = a.getByRole('button', { name: /Preview/ })
    await toggle.click()
    await expect(toggle).toHaveAttribute('aria-pressed', 'true')
    await expect(a.getByRole('region', { name: 'Preview' }).getByRole('heading', { name: 'Notes' })).toBeVisible()
    expect(await wcagViolations(a)).toEqual([])
  })

  await test.step('a narrow window (375 px)', async () => {
    await a.setViewportSize({ width: 375, height: 740 })
    expect(await wcagViolations(a)).toEqual([])
    await a.setViewportSize({ width: 1280, height: 720 })
  })

  await test.step('the read-only view', async () => {
    await a.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    await a.getByRole('button', { name: 'Copy read-only link' }).click()
    const readLink = await a.evaluate(() => navigator.clipboard.readText())
    const reader = await openCheckedPeer(browser, readLink)
    await expect(reader.getByTestId('read-only-mark')).toHaveText('Read-only')
    await expect(reader.getByLabel('Document title')).toHaveValue('Greetings')
    expect(await wcagViolations(reader)).toEqual([])
  })
})
