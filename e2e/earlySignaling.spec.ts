import { expect, test } from './support/test.js'
import { EDITOR, debugInfo, expectDocumentText, openPeer, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

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
  // Taken by the session (/early-signaling.js leaves it on the page until then), not a second one.
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

test('a second tab of a document meets the first over BroadcastChannel, not WebRTC, though it announced itself while it loaded', async ({ browser, server }) => {
  const first = await openPeer(browser, server.url)
  await typeAtEnd(first.page, 'written in the first tab')
  const second = await first.context.newPage()
  await second.goto(first.page.url())
  await expectDocumentText(second, 'written in the first tab')
  // The first tab may have started a WebRTC connection from the second's early announce,
  // before the tabs met on BroadcastChannel; it goes (see the y-webrtc patch).
  for (const page of [first.page, second]) {
    await expect.poll(async () => ((info) => [info.bcPeers, info.webrtcKnown])(await debugInfo(page))).toEqual([1, 0])
  }
  await first.context.close()
})
