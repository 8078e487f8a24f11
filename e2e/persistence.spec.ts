import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { expect, test } from './support/test.js'
import { chromiumLaunchOptions } from './support/chromium.js'
import { EDITOR, editorText, typeAtEnd, waitForSaved } from './support/peer.js'

test('text typed, browser closed, link reopened alone: the text is there', async ({ server }) => {
  const profile = await mkdtemp(join(tmpdir(), 'meshpad-profile-'))
  try {
    const first = await chromium.launchPersistentContext(profile, chromiumLaunchOptions())
    const page = first.pages()[0] ?? (await first.newPage())
    await page.goto(server.url)
    await page.getByLabel('Document title').fill('Kept')
    await typeAtEnd(page, 'Written before closing the browser.')
    await waitForSaved(page)
    const link = page.url()
    await first.close()

    const second = await chromium.launchPersistentContext(profile, chromiumLaunchOptions())
    // Which script opened each database, to see that the room's copy was read by the early script.
    await second.addInitScript(() => {
      const opens: { name: string; early: boolean }[] = []
      Object.defineProperty(window, '__opens', { value: opens })
      const open = IDBFactory.prototype.open
      IDBFactory.prototype.open = function (this: IDBFactory, ...args: Parameters<IDBFactory['open']>) {
        opens.push({ name: args[0], early: (new Error().stack ?? '').includes('/early-copy.js') })
        return open.apply(this, args)
      }
    })
    const again = second.pages()[0] ?? (await second.newPage())
    await again.goto(link)
    await expect(again.locator(EDITOR)).toHaveText('Written before closing the browser.')
    await expect(again.getByLabel('Document title')).toHaveValue('Kept')
    expect(await editorText(again)).toBe('Written before closing the browser.')
    await expect(again.getByTestId('status-peers')).toHaveText('No peers connected')
    // Read while the app's script loaded (/early-copy.js), and taken by the session: opened once.
    const opens = await again.evaluate(() => (window as unknown as { __opens: { name: string; early: boolean }[] }).__opens)
    // The document list and this browser's device key (comments) are databases of their own.
    expect(opens.filter(({ name }) => name !== 'meshpad-documents' && name !== 'meshpad-device')).toEqual([{ name: expect.stringMatching(/^meshpad-[0-9a-f]{64}$/), early: true }])
    expect(await again.evaluate(() => '__meshpadEarlyCopy' in window)).toBe(false)
    await second.close()
  } finally {
    await rm(profile, { recursive: true, force: true })
  }
})

test('"New document" opens a fresh room, and Back returns to the previous one intact', async ({ browser, server }) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(server.url)
  await typeAtEnd(page, 'First document.')
  await waitForSaved(page)
  const first = page.url()

  await page.getByRole('button', { name: 'New document' }).click()
  await expect(page).not.toHaveURL(first)
  await expect(page).toHaveURL(/#e1\.[A-Za-z0-9_-]{43}$/)
  await expect(page.locator('.cm-placeholder')).toBeVisible()
  expect(await editorText(page)).toBe('')
  await typeAtEnd(page, 'Second document.')
  await waitForSaved(page)

  await page.goBack()
  await expect(page).toHaveURL(first)
  await expect(page.locator(EDITOR)).toHaveText('First document.')
  await expect(page.getByTestId('status-signaling')).toHaveAttribute('data-state', 'connected')
  await page.goForward()
  await expect(page.locator(EDITOR)).toHaveText('Second document.')
  await context.close()
})
