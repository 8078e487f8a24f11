import { expect, test } from './support/test.js'
import {
  debugInfo,
  EDITOR,
  editorText,
  expectEditorToContain,
  expectTextBothWays,
  expectWebrtcPath,
  openPeer,
  typeAtEnd,
  waitForSaved,
  waitForWebrtcPeers,
} from './support/peer.js'
import { formatFigure } from './support/stats.js'

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

  // Figure: keystroke in A → the character in B's editor DOM. Pages on one machine share a clock
  // (performance.timeOrigin + performance.now()). A stamps each keydown; B stamps the DOM mutation
  // that shows the document at that length. One key at a time, each waited for.
  await typeAtEnd(a.page, ' ')
  await expectEditorToContain(b.page, 'Hi from B! ')
  await a.page.evaluate(() => {
    const sent: Record<number, number> = {}
    Object.assign(window, { sentAt: sent })
    document.addEventListener('keydown', () => {
      sent[(window.meshpad?.session.text.length ?? 0) + 1] = performance.timeOrigin + performance.now()
    }, { capture: true })
  })
  await b.page.evaluate(() => {
    const arrived: Record<number, number> = {}
    Object.assign(window, { arrivedAt: arrived })
    new MutationObserver(() => {
      const length = window.meshpad?.session.text.length ?? 0
      arrived[length] ??= performance.timeOrigin + performance.now()
    }).observe(document.querySelector('.cm-content') as Node, { childList: true, subtree: true, characterData: true })
  })
  const latencies: number[] = []
  for (let i = 0; i < 30; i++) {
    const length = (await editorText(a.page)).length + 1
    await a.page.keyboard.press(String.fromCharCode(97 + (i % 26)))
    await b.page.waitForFunction((n) => (window as unknown as { arrivedAt: Record<number, number> }).arrivedAt[n] !== undefined, length)
    const sent = await a.page.evaluate((n) => (window as unknown as { sentAt: Record<number, number> }).sentAt[n], length)
    const arrived = await b.page.evaluate((n) => (window as unknown as { arrivedAt: Record<number, number> }).arrivedAt[n], length)
    expect(sent).toBeDefined()
    latencies.push((arrived as number) - (sent as number))
  }
  expect(await editorText(b.page)).toBe(await editorText(a.page))
  console.log(formatFigure('keystroke in A → character in B\'s editor DOM (2 peers, loopback)', latencies))

  // Figure: page load (navigation start) → first WebRTC peer connected, B reloading with A in the room.
  const joins: number[] = []
  for (let i = 0; i < 20; i++) {
    await b.page.reload()
    await waitForWebrtcPeers(b.page, 1)
    joins.push((await debugInfo(b.page)).firstPeerAt as number)
  }
  console.log(formatFigure('page load → first WebRTC peer connected', joins))
  await expect(b.page.locator(EDITOR)).toContainText('Hi from B!')

  await a.context.close()
  await b.context.close()
})
