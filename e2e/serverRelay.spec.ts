import type { Browser, Page } from '@playwright/test'
import { expect, test } from './support/test.js'
import { EDITOR, debugInfo, editorText, expectTextBothWays, openPeer, waitForSaved } from './support/peer.js'

/**
 * The relay of last resort (src/network/relay/ServerRelay.ts) between real Chromium pages on a real
 * server: one page has no WebRTC (as in Debian's WebKitGTK), so only the server's relay can carry
 * its messages, end to end encrypted.
 */

/** A page whose browser has no WebRTC. The app's CSP would block the script that removes it. */
async function openWithoutWebrtc(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true })
  await context.addInitScript(() => {
    for (const name of ['RTCPeerConnection', 'webkitRTCPeerConnection', 'RTCSessionDescription', 'RTCIceCandidate']) {
      Reflect.deleteProperty(window, name)
    }
  })
  const page = await context.newPage()
  await page.goto(url)
  await page.locator(EDITOR).waitFor()
  return page
}

test('a browser without WebRTC edits with a Chromium page through the server’s relay, both ways and after a reload', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  await expect.poll(async () => (await debugInfo(a.page)).serverClients).toBe(1)
  const b = await openWithoutWebrtc(browser, a.page.url())
  expect(await b.evaluate(() => typeof window.RTCPeerConnection)).toBe('undefined')

  for (const page of [a.page, b]) {
    await expect(page.getByTestId('person-path')).toHaveText('through the server (encrypted)', { timeout: 20_000 })
    await expect(page.getByTestId('status-paths')).toContainText('1 through the server (encrypted)')
  }
  await expectTextBothWays(a.page, b, 'Through the server. ', 'Back from a browser without WebRTC.')
  expect((await debugInfo(a.page)).webrtcConnected).toBe(0)
  expect((await debugInfo(b)).serverRelayed).toHaveLength(1)

  // B's copy is its own (IndexedDB), and it finds A again after a reload.
  await waitForSaved(b)
  await b.reload()
  await b.locator(EDITOR).waitFor()
  expect(await editorText(b)).toContain('Back from a browser without WebRTC.')
  await expect(b.getByTestId('person-path')).toHaveText('through the server (encrypted)', { timeout: 20_000 })
  await expectTextBothWays(b, a.page, ' After reload.', ' Seen.')
})

test('two Chromium pages link directly: the relay stays unused', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  const b = await openPeer(browser, a.page.url())
  await expectTextBothWays(a.page, b.page, 'Direct. ', 'Still direct.')
  for (const page of [a.page, b.page]) {
    await expect(page.getByTestId('person-path')).toHaveText('direct')
    const info = await debugInfo(page)
    expect(info.webrtcConnected).toBe(1)
    expect(info.serverRelayed).toEqual([])
  }
})
