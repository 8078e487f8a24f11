import { expect, test } from './support/test.js'
import { EDITOR, openPeer, waitForWebrtcPeers } from './support/peer.js'

test('the page opens one signaling connection and asks for its ICE servers once, while its script loads; the session uses both', async ({ browser, server }) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  const sockets: string[] = []
  page.on('websocket', (socket) => sockets.push(socket.url()))
  const iceRequests: string[] = []
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/ice-servers') iceRequests.push(request.url())
  })
  await page.goto(server.url)
  await page.locator(EDITOR).waitFor()
  await expect(page.getByTestId('status-signaling')).toHaveAttribute('data-state', 'connected')
  // Taken by the session (public/early-signaling.js leaves it on the page until then), not a second one.
  expect(await page.evaluate(() => '__meshpadEarlySignaling' in window)).toBe(false)
  expect(sockets).toEqual([server.signalingUrl])
  // So does its request for the ICE servers (made by the same script, answered to the session).
  expect(await page.evaluate(() => '__meshpadEarlyIceServers' in window)).toBe(false)
  expect(iceRequests).toEqual([`${server.url}ice-servers`])

  // A peer elsewhere meets this page through that connection.
  const other = await openPeer(browser, page.url())
  await waitForWebrtcPeers(page, 1)
  await other.context.close()
  await context.close()
})
