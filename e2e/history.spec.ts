import type { Page } from '@playwright/test'
import * as Y from 'yjs'
import { AUTO_VERSION_PAUSE_MS } from '../src/document/history/autoVersioner.js'
import { expect, test } from './support/test.js'
import { EDITOR, expectDocumentText, expectWebrtcPath, openPeer, typeAtEnd, waitForSaved, waitForWebrtcPeers } from './support/peer.js'

/** The name this page's person goes by (shared in presence). */
const userName = (page: Page): Promise<string> =>
  page.evaluate(() => (window.meshpad?.session.awareness.getLocalState() as { user: { name: string } }).user.name)

const history = (page: Page) => page.getByRole('dialog', { name: 'History' })

async function saveVersion(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'History' }).click()
  await history(page).getByLabel('Version name').fill(name)
  await history(page).getByRole('button', { name: 'Save version' }).click()
  await expect(history(page).getByTestId('version-entry').filter({ hasText: name })).toHaveCount(1)
  await page.keyboard.press('Escape')
  await expect(history(page)).toBeHidden()
}

/** Opens History and shows the version named `name`. */
async function showVersion(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'History' }).click()
  await history(page).getByTestId('version-entry').filter({ hasText: name }).getByRole('button').click()
  await expect(history(page).getByTestId('version-view')).toBeVisible()
}

test('B restores the version from before A deleted everything; A\'s Ctrl-Z does not undo it, B\'s does', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  const b = await openPeer(browser, a.page.url())
  await waitForWebrtcPeers(a.page, 1)
  await waitForWebrtcPeers(b.page, 1)

  await typeAtEnd(a.page, 'Line one, by A.\n')
  await expectDocumentText(b.page, 'Line one, by A.\n')
  await typeAtEnd(b.page, 'Line two, by B.')
  const written = 'Line one, by A.\nLine two, by B.'
  await expectDocumentText(a.page, written)
  await saveVersion(a.page, 'Before the slip')

  await a.page.locator(EDITOR).click()
  await a.page.keyboard.press('Control+a')
  await a.page.keyboard.press('Backspace')
  await expectDocumentText(b.page, '')

  await showVersion(b.page, 'Before the slip')
  await expect(history(b.page).getByTestId('version-view')).toContainText('Line two, by B.')
  // Who wrote what: A's line and B's line, two names, each as its author chose it.
  await history(b.page).getByLabel('Who wrote what').check()
  const names = [await userName(a.page), await userName(b.page)]
  await expect(history(b.page).getByRole('list', { name: 'Authors' }).getByRole('listitem')).toHaveText(names)
  await expect(history(b.page).locator(`[title="${names[1]}"]`)).toHaveText('Line two, by B.')
  await history(b.page).getByRole('button', { name: 'Restore' }).click()
  await expect(history(b.page)).toBeHidden()
  await expectDocumentText(b.page, written)
  await expectDocumentText(a.page, written)

  // The restore is a version of its own, in the same list everywhere.
  for (const { page } of [a, b]) {
    await page.getByRole('button', { name: 'History' }).click()
    await expect(history(page).getByTestId('version-entry')).toHaveText([/Restored the version of/, /Before the slip/])
    await page.keyboard.press('Escape')
  }

  // A's Ctrl-Z: A's deletion was before B's restore, so nothing comes back twice. What A types
  // after it travels behind anything the Ctrl-Z changed: B seeing exactly that proves it changed nothing.
  await a.page.locator(EDITOR).click()
  await a.page.keyboard.press('Control+z')
  await typeAtEnd(a.page, ' And A goes on.')
  await expectDocumentText(b.page, `${written} And A goes on.`)
  await a.page.keyboard.press('Control+z')
  await expectDocumentText(b.page, written)

  // B's Ctrl-Z undoes B's restore, and redo brings it back.
  await b.page.locator(EDITOR).click()
  await b.page.keyboard.press('Control+z')
  await expectDocumentText(a.page, '')
  await b.page.keyboard.press('Control+y')
  await expectDocumentText(a.page, written)

  for (const { page } of [a, b]) await expectWebrtcPath(page, 1)
  await a.context.close()
  await b.context.close()
})

test('history survives a reload, reaches a newcomer, and works with the keyboard in a narrow window', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  await typeAtEnd(a.page, 'First draft.')
  await saveVersion(a.page, 'Draft one')
  await a.page.locator(EDITOR).click()
  await a.page.keyboard.press('Control+a')
  await a.page.keyboard.type('Second draft.')
  await waitForSaved(a.page)

  await a.page.reload()
  await expectDocumentText(a.page, 'Second draft.')
  await showVersion(a.page, 'Draft one')
  await expect(history(a.page).getByTestId('version-view')).toContainText('First draft.')
  await a.page.keyboard.press('Escape')

  const c = await openPeer(browser, a.page.url())
  await c.page.setViewportSize({ width: 380, height: 700 })
  await waitForWebrtcPeers(c.page, 1)
  await expectDocumentText(c.page, 'Second draft.')
  const button = c.page.getByRole('button', { name: 'History' })
  await button.focus()
  await c.page.keyboard.press('Enter')
  await expect(history(c.page)).toBeVisible()
  const entry = history(c.page).getByTestId('version-entry').filter({ hasText: 'Draft one' }).getByRole('button')
  await entry.focus()
  await c.page.keyboard.press('Enter')
  await expect(history(c.page).getByTestId('version-view')).toContainText('First draft.')
  await expect(history(c.page).getByRole('button', { name: 'Restore' })).toBeInViewport()
  await expect(history(c.page).getByRole('button', { name: 'Download this version' })).toBeInViewport()
  const download = c.page.waitForEvent('download')
  await history(c.page).getByRole('button', { name: 'Download this version' }).click()
  expect((await download).suggestedFilename()).toMatch(/^untitled \d{4}-\d\d-\d\d \d\d-\d\d\.txt$/)
  await c.page.keyboard.press('Escape')
  await expect(history(c.page)).toBeHidden()
  await expect(button).toBeFocused()
  await expectWebrtcPath(c.page, 1)
  await a.context.close()
  await c.context.close()
})

test('a version is saved by itself once typing pauses', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  await typeAtEnd(a.page, 'Typed, then a pause.')
  await a.page.getByRole('button', { name: 'History' }).click()
  await expect(history(a.page).getByTestId('version-entry')).toHaveText([/Automatic version/], { timeout: AUTO_VERSION_PAUSE_MS + 10_000 })
  await history(a.page).getByTestId('version-entry').getByRole('button').click()
  await expect(history(a.page).getByTestId('version-view')).toContainText('Typed, then a pause.')
  await a.context.close()
})

test('hostile version entries from a peer are left out or refused, and History keeps working', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  const b = await openPeer(browser, a.page.url())
  await waitForWebrtcPeers(b.page, 1)
  await typeAtEnd(a.page, 'Real text.')
  await saveVersion(a.page, 'Honest')
  // A claims a version of edits nobody made (a state vector far ahead), and writes garbage.
  const forged = [...Y.encodeSnapshotV2(Y.createSnapshot(Y.createDeleteSet(), new Map([[123_456, 1_000_000]])))]
  await a.page.evaluate((bytes) => {
    const entry = (fields: Record<string, unknown>) => ({ id: crypto.randomUUID(), time: Date.now(), by: 'Mallory', authors: ['Mallory'], clients: [], label: '', kind: 'manual', base: null, restoredFrom: null, snapshot: new Uint8Array(bytes), ...fields })
    window.meshpad?.session.doc.getArray('versions').push([
      42,
      'not a version',
      { id: 7 },
      entry({ label: 'x'.repeat(10_000) }),
      entry({ snapshot: new Uint8Array([5]), kind: 'restore' }),
      entry({ label: 'Forged' }),
    ])
  }, forged)
  await showVersion(b.page, 'Honest')
  await expect(history(b.page).getByTestId('version-entry')).toHaveText([/Forged/, /Honest/])
  await history(b.page).getByTestId('version-entry').filter({ hasText: 'Forged' }).getByRole('button').click()
  await expect(history(b.page).getByText('This version has not fully reached this device yet.')).toBeVisible()
  await expect(history(b.page).getByRole('button', { name: 'Restore' })).toHaveCount(0)
  await history(b.page).getByTestId('version-entry').filter({ hasText: 'Honest' }).getByRole('button').click()
  await expect(history(b.page).getByTestId('version-view')).toContainText('Real text.')
  await expectDocumentText(b.page, 'Real text.')
  await a.context.close()
  await b.context.close()
})
