import { expect, test } from './support/test.js'
import { EDITOR, debugInfo, expectDocumentText, openPeer, typeAtEnd, waitForSaved } from './support/peer.js'
import { NO_WEBRTC_TEXT } from './support/noWebrtc.js'

test('a browser without WebRTC, the server’s relay turned off: it says it cannot reach anyone and what would help; it still edits and keeps its copy', async ({ browser, startServer }) => {
  const server = await startServer({ env: { SERVER_RELAY: 'off' } })
  // Someone with WebRTC is in the room, so "nobody here" cannot be why the page is alone.
  const withRtc = await openPeer(browser, server.url)
  await typeAtEnd(withRtc.page, 'From a browser with WebRTC.')
  const link = withRtc.page.url()

  // A browser whose build has no RTCPeerConnection (as Debian's WebKitGTK).
  const context = await browser.newContext()
  await context.addInitScript(() => {
    delete (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection
    delete (globalThis as { webkitRTCPeerConnection?: unknown }).webkitRTCPeerConnection
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(link)
  await page.locator(EDITOR).waitFor()
  expect(await page.evaluate(() => typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection)).toBe('undefined')

  const peers = page.getByTestId('status-peers')
  await expect(page.getByTestId('status-signaling')).toHaveAttribute('data-state', 'connected')
  await expect(peers).toHaveAttribute('data-state', 'no-webrtc')
  await expect(peers).toHaveText(NO_WEBRTC_TEXT)

  // The document opens, takes edits, and keeps them on this device across a reload.
  await typeAtEnd(page, 'Typed without WebRTC.')
  await waitForSaved(page)
  await page.reload()
  await page.locator(EDITOR).waitFor()
  await expectDocumentText(page, 'Typed without WebRTC.')
  await expect(peers).toHaveText(NO_WEBRTC_TEXT)
  expect((await debugInfo(page)).webrtcConnected).toBe(0)

  // Nothing failed on the way: the missing class is expected, not an error.
  expect(errors).toEqual([])
  await expectDocumentText(withRtc.page, 'From a browser with WebRTC.')
  await context.close()
  await withRtc.context.close()
})
