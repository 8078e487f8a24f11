import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { expect, test } from './support/test.js'
import { waitForOfflineReady } from './support/offline.js'
import { editorText, expectDocumentText, openPeer, typeAtEnd, waitForSaved } from './support/peer.js'

const DIST = fileURLToPath(new URL('../dist', import.meta.url))

declare global {
  interface Window {
    /** Set by the test; a reload clears it. */
    notReloaded?: boolean
  }
}

/** Asks the browser to look for a new service worker now (a page open for an hour does this). */
async function checkForUpdate(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update()
  })
}

test('a new deploy is offered, never forced: the page reloads only when asked, other tabs not at all', async ({ browser, startServer }) => {
  const deployed = await mkdtemp(join(tmpdir(), 'meshpad-dist-'))
  try {
    await cp(DIST, deployed, { recursive: true })
    const server = await startServer({ staticDir: deployed })
    const { context, page } = await openPeer(browser, server.url)
    await waitForOfflineReady(page)
    await typeAtEnd(page, 'Before the deploy.')
    await waitForSaved(page)
    const other = await context.newPage()
    await other.goto(page.url())
    await expectDocumentText(other, 'Before the deploy.')
    for (const tab of [page, other]) await tab.evaluate(() => (window.notReloaded = true))

    // A new version: the operator replaces the files and restarts the server.
    await server.stop()
    await appendFile(join(deployed, 'sw.js'), '\n// the next deploy\n')
    await server.start()
    await checkForUpdate(page)
    const banner = page.getByTestId('update-banner')
    await expect(banner).toContainText('A new version is available')
    await expect(other.getByTestId('update-banner')).toContainText('A new version is available')

    // Typing goes on under the banner; nothing reloads.
    await typeAtEnd(page, ' Typed while the update waits.')
    await waitForSaved(page)
    expect(await page.evaluate(() => window.notReloaded)).toBe(true)

    // Reload when asked: the edits are saved first and are there after; the new version runs.
    await Promise.all([page.waitForEvent('load'), banner.getByRole('button', { name: 'Reload' }).click()])
    await expectDocumentText(page, 'Before the deploy. Typed while the update waits.')
    expect(await page.evaluate(() => window.notReloaded)).toBeUndefined()
    await expect(banner).toBeHidden()
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull()

    // The other tab was not reloaded under its person; it says a new version is active.
    await expect(other.getByTestId('update-banner')).toContainText('A new version of Meshpad is active in another tab')
    expect(await other.evaluate(() => window.notReloaded)).toBe(true)
    expect(await editorText(other)).toBe('Before the deploy. Typed while the update waits.')
    await context.close()
  } finally {
    await rm(deployed, { recursive: true, force: true })
  }
})
