import type { Page } from '@playwright/test'
import { expect, test } from './support/test.js'
import { launchFirefox } from './support/firefox.js'
import { FirefoxPeer } from './support/FirefoxPeer.js'
import { stopServer } from './support/offline.js'
import { EDITOR, debugInfo, editorText, expectDocumentText, expectWebrtcPath, openPeer, typeAtEnd, waitForSaved, waitForWebrtcPeers } from './support/peer.js'

/** A signaling server nobody listens on: a page given it finds no peer, while its page and copy load as usual. */
const NOWHERE = 'ws://127.0.0.1:9/signaling'

/** The paths to every peer of a page (see `PeerPath`). */
const pathsOf = (info: { paths: Readonly<Record<string, { path: string }>> }): string[] => Object.values(info.paths).map((each) => each.path)

async function setName(page: Page, name: string): Promise<void> {
  await page.getByLabel('Your name').fill(name)
  await page.getByLabel('Your name').press('Enter')
}

// One Firefox (Debian's firefox-esr, over WebDriver BiDi) and one Chromium in one room, through the
// scenarios people rely on; each step starts where the one before left off.
test('Firefox and Chromium edit together over a direct WebRTC link: presence, history, preview, apart and offline, reload, read-only', async ({ browser, server }) => {
  test.setTimeout(120_000)
  const firefox = await launchFirefox()
  try {
    // Each picks a name before they meet: y-codemirror.next draws a caret's label once and redraws
    // it only for a new color, so a later rename reaches the people list but not the caret.
    const chromium = await openPeer(browser, server.url)
    await setName(chromium.page, 'Ada')
    const link = chromium.page.url()
    const fox = await FirefoxPeer.open(firefox.browser.defaultBrowserContext(), server.url)
    await fox.setName('Fox')
    // The link pasted into the open page: it switches rooms without a reload.
    await fox.goto(link)
    let text = ''

    await test.step('text flows both ways over a direct WebRTC data channel', async () => {
      await waitForWebrtcPeers(chromium.page, 1)
      await fox.waitForWebrtcPeers(1)
      await expectWebrtcPath(chromium.page, 1)
      const foxInfo = await fox.debug()
      expect(foxInfo.bcPeers).toBe(0)
      await expect.poll(async () => pathsOf(await debugInfo(chromium.page))).toEqual(['direct'])
      await expect.poll(async () => pathsOf(await fox.debug())).toEqual(['direct'])

      await typeAtEnd(chromium.page, 'Chromium writes. ')
      await fox.waitForText('Chromium writes. ')
      await fox.typeAtEnd('Firefox answers.')
      text = 'Chromium writes. Firefox answers.'
      await expectDocumentText(chromium.page, text)
      await expect(chromium.page.getByTestId('status-peers')).toHaveText('Synced with 1 peer')
      await fox.waitForTestIdText('status-peers', 'Synced with 1 peer')
    })

    await test.step('each sees the other by name and cursor, reached directly', async () => {
      const people = chromium.page.getByRole('complementary', { name: 'People in this document' })
      const foxEntry = people.getByTestId('person').filter({ hasText: 'Fox' })
      await expect(foxEntry).toHaveCount(1)
      await expect(foxEntry.getByTestId('person-path')).toHaveAttribute('data-path', 'direct')
      await expect(chromium.page.locator('.cm-ySelectionInfo')).toHaveText('Fox')
      await fox.page.waitForFunction(() => {
        const people = document.querySelector('[aria-label="People in this document"]')
        const ada = Array.from(people?.querySelectorAll('[data-testid="person"]') ?? []).find((entry) => entry.textContent?.includes('Ada'))
        const caret = document.querySelector('.cm-ySelectionInfo')
        return ada?.querySelector('[data-testid="person-path"]')?.getAttribute('data-path') === 'direct' && caret?.textContent === 'Ada'
      })
    })

    await test.step('a version saved in Firefox is listed and opened in Chromium', async () => {
      await fox.page.locator('::-p-aria([name="History"][role="button"])').click()
      await fox.page.locator('::-p-aria(Version name)').fill('Saved in Firefox')
      await fox.page.locator('::-p-aria([name="Save version"][role="button"])').click()
      await fox.page.waitForFunction(() => Array.from(document.querySelectorAll('[data-testid="version-entry"]')).some((entry) => entry.textContent?.includes('Saved in Firefox')))
      await fox.page.keyboard.press('Escape')

      const history = chromium.page.getByRole('dialog', { name: 'History' })
      await chromium.page.getByRole('button', { name: 'History' }).click()
      await history.getByTestId('version-entry').filter({ hasText: 'Saved in Firefox' }).getByRole('button').click()
      await expect(history.getByTestId('version-view')).toContainText(text)
      await chromium.page.keyboard.press('Escape')
      await expect(history).toBeHidden()
    })

    await test.step('Markdown set in Chromium renders in Firefox’s preview', async () => {
      await chromium.page.getByLabel('Language').selectOption('markdown')
      await typeAtEnd(chromium.page, '\n\n# Heading from Chromium\n')
      text += '\n\n# Heading from Chromium\n'
      await fox.waitForText(text)
      await fox.page.locator('::-p-aria([name="Preview"][role="button"])').click()
      await fox.page.waitForFunction(() => document.querySelector('[data-testid="preview-body"] h1')?.textContent === 'Heading from Chromium', { timeout: 15_000 })
    })

    await test.step('apart, then offline: each edits; Firefox reloads from its own copy; they merge when they meet', async () => {
      // Chromium moves to a signaling server nobody is on (its page and copy load as before).
      const roomHash = new URL(link).hash
      await chromium.page.goto(`${server.url}?signaling=${encodeURIComponent(NOWHERE)}${roomHash}`)
      await chromium.page.locator(EDITOR).waitFor()
      await fox.waitForWebrtcPeers(0)
      await fox.waitForTestIdText('status-peers', 'No peers connected')

      // Nobody in reach has Firefox's edit: what a reload shows comes from Firefox's IndexedDB.
      await fox.typeAtEnd('Firefox alone.')
      await fox.waitForSaved()
      await fox.reload()
      await fox.waitForText(`${text}Firefox alone.`)

      await stopServer(server)
      await fox.waitForState('status-peers', 'offline')
      await fox.typeAtEnd(' Firefox offline.')
      await fox.waitForSaved()
      await typeAtEnd(chromium.page, 'Chromium apart.')
      await waitForSaved(chromium.page)

      await server.start()
      await chromium.page.goto(link)
      await waitForWebrtcPeers(chromium.page, 1, 30_000)
      await fox.waitForWebrtcPeers(1, 30_000)
      await expect.poll(async () => (await fox.text()) === (await editorText(chromium.page))).toBe(true)
      text = await fox.text()
      for (const piece of ['Firefox alone. Firefox offline.', 'Chromium apart.', 'Heading from Chromium']) expect(text).toContain(piece)
      await expectWebrtcPath(chromium.page, 1)
    })

    await test.step('a read-only link opened in Firefox shows the text live and takes no edit', async () => {
      const readFragment = await chromium.page.evaluate(() => window.meshpad?.session.access.readFragment)
      expect(readFragment).toMatch(/^r1\./)
      // A browser context of its own: no stored copy, no tab of the writer's beside it.
      const readerContext = await firefox.browser.createBrowserContext()
      const reader = await FirefoxPeer.open(readerContext, `${server.url}#${readFragment}`)
      await reader.waitForText(text)
      await reader.waitForTestIdText('read-only-mark', 'Read-only')
      expect(await reader.page.$eval(EDITOR, (editor) => editor.getAttribute('contenteditable'))).toBe('false')
      await reader.page.waitForFunction(() => (window.meshpad?.session.debug().webrtcConnected ?? 0) >= 1)
      expect((await reader.debug()).bcPeers).toBe(0)

      await reader.typeAtEnd('typed by the reader')
      await typeAtEnd(chromium.page, ' Live.')
      text += ' Live.'
      await reader.waitForText(text)
      await expectDocumentText(chromium.page, text)
      expect(reader.errors).toEqual([])
      await readerContext.close()
    })

    expect(fox.errors).toEqual([])
    await chromium.context.close()
  } finally {
    await firefox.close()
  }
})
