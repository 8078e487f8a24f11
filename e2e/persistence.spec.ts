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
    const again = second.pages()[0] ?? (await second.newPage())
    await again.goto(link)
    await expect(again.locator(EDITOR)).toHaveText('Written before closing the browser.')
    await expect(again.getByLabel('Document title')).toHaveValue('Kept')
    expect(await editorText(again)).toBe('Written before closing the browser.')
    await expect(again.getByTestId('status-peers')).toHaveText('No peers connected')
    await second.close()
  } finally {
    await rm(profile, { recursive: true, force: true })
  }
})
