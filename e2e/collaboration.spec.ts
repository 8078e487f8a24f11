import { expect, test } from './support/test.js'
import { createEditFragment } from '../src/room/roomAccess.js'
import {
  EDITOR,
  editorText,
  expectDocumentText,
  expectTextBothWays,
  expectWebrtcPath,
  openPeer,
  typeAtEnd,
  waitForSaved,
  waitForWebrtcPeers,
} from './support/peer.js'

test('a room link joins two browsers, and text flows both ways over WebRTC', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  await a.context.grantPermissions(['clipboard-read', 'clipboard-write'])

  // Opening `/` creates a room: a v2 edit link (`e1.` and 32 random bytes, base64url) replaces the URL, no reload.
  await expect(a.page).toHaveURL(/\/#e1\.[A-Za-z0-9_-]{43}$/)
  const link = a.page.url()
  // …in the same document (no reload): its one navigation was to `/`.
  expect(await a.page.evaluate(() => performance.getEntriesByType('navigation').map((entry) => entry.name))).toEqual([server.url])
  await expect(a.page.locator('.cm-placeholder')).toContainText('Copy link')

  await a.page.getByRole('button', { name: 'Copy link' }).click()
  await expect(a.page.getByText('Link copied')).toBeVisible()
  expect(await a.page.evaluate(() => navigator.clipboard.readText())).toBe(link)

  const b = await openPeer(browser, link)
  await waitForWebrtcPeers(a.page, 1)
  await waitForWebrtcPeers(b.page, 1)

  await expectTextBothWays(a.page, b.page, 'Hello from A. ', 'Hi from B!')
  expect(await editorText(b.page)).toBe(await editorText(a.page))

  // The data went over WebRTC: a connected data channel each, no BroadcastChannel peer.
  for (const { page } of [a, b]) {
    await expectWebrtcPath(page, 1)
    await expect(page.getByTestId('status-peers')).toHaveText('Synced with 1 peer')
    await expect(page.getByTestId('status-signaling')).toHaveText('Signaling server connected')
    await waitForSaved(page)
  }

  // Title and language live in the shared document: everyone sees the same.
  await a.page.getByLabel('Document title').fill('Meeting notes')
  await expect(b.page.getByLabel('Document title')).toHaveValue('Meeting notes')
  await expect(b.page).toHaveTitle('Meeting notes · Meshpad')
  await b.page.getByLabel('Language').selectOption('javascript')
  await expect(a.page.getByLabel('Language')).toHaveValue('javascript')

  // A reload rejoins the room over WebRTC and finds the document as it was. (How fast typing and
  // joining are is measured in bench/typing.bench.ts, bench/join.bench.ts and bench/stock.bench.ts.)
  await b.page.reload()
  await waitForWebrtcPeers(b.page, 1)
  await expectWebrtcPath(b.page, 1)
  await expectDocumentText(b.page, 'Hello from A. Hi from B!')
  expect(await editorText(a.page)).toBe('Hello from A. Hi from B!')

  await a.context.close()
  await b.context.close()
})

test('a first visit to a shared link shows the document with its text, never an empty editor first; alone, it shows all the same', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  await typeAtEnd(a.page, 'Written before you came.')
  const link = a.page.url()

  // B records what the editor held when it first appeared.
  const context = await browser.newContext()
  await context.addInitScript(() => {
    new MutationObserver((_records, observer) => {
      const content = document.querySelector('.cm-content')
      if (content === null) return
      ;(window as unknown as { firstShown: string }).firstShown = content.textContent ?? ''
      observer.disconnect()
    }).observe(document, { childList: true, subtree: true })
  })
  const b = await context.newPage()
  await b.goto(link)
  await b.locator(EDITOR).waitFor()
  expect(await b.evaluate(() => (window as unknown as { firstShown?: string }).firstShown)).toBe('Written before you came.')
  await context.close()
  await a.context.close()

  // Nobody in the room: the page shows the (empty) document, alone, instead of waiting on.
  const alone = await openPeer(browser, `${server.url}#${createEditFragment()}`)
  await expect(alone.page.getByTestId('status-peers')).toHaveText('No peers connected')
  expect(await editorText(alone.page)).toBe('')
  await alone.context.close()
})
