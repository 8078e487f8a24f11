import { expect, test } from './support/test.js'
import { EDITOR, openPeer, waitForWebrtcPeers } from './support/peer.js'

test('the page opens one signaling connection while its script loads, and the session signals through it', async ({ browser, server }) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const sockets: string[] = []
  page.on('websocket', (socket) => sockets.push(socket.url()))
  await page.goto(server.url)
  await page.locator(EDITOR).waitFor()
  await expect(page.getByTestId('status-signaling')).toHaveAttribute('data-state', 'connected')
  // Taken by the session (public/early-signaling.js leaves it on the page until then), not a second one.
  expect(await page.evaluate(() => '__meshpadEarlySignaling' in window)).toBe(false)
  expect(sockets).toEqual([server.signalingUrl])

  // A peer elsewhere meets this page through that connection.
  const other = await openPeer(browser, page.url())
  await waitForWebrtcPeers(page, 1)
  await other.context.close()
  await context.close()
})
