import { expect, type Browser, type Page } from '@playwright/test'
import type { PeerPathInfo } from '../../src/network/readPeerPath.js'
import { EDITOR, typeAtEnd } from './peer.js'

/** A page of its own browser context, opened at `url` (the editor shown); `init` runs before the page's scripts. */
export async function openPage(browser: Browser, url: string, init?: () => void): Promise<Page> {
  const context = await browser.newContext()
  if (init !== undefined) await context.addInitScript(init)
  const page = await context.newPage()
  await page.goto(url)
  await page.locator(EDITOR).waitFor()
  return page
}

/**
 * A creates a room and types `text`; B opens the link. Returns both pages and the time from B's
 * navigation to `text` in B's document (the first synced text), in ms.
 */
export async function joinRoom(a: Browser, b: Browser, url: string, text: string, timeoutMs = 30_000): Promise<{ pageA: Page; pageB: Page; joinMs: number }> {
  const pageA = await openPage(a, url)
  await expect(pageA).toHaveURL(/#.+/)
  await typeAtEnd(pageA, text)
  const context = await b.newContext()
  // B's connection attempts are counted (peerConnectionAttempts).
  await context.addInitScript(countPeerConnections)
  const pageB = await context.newPage()
  const started = Date.now()
  await pageB.goto(pageA.url())
  await pageB.waitForFunction((expected) => window.meshpad?.session.text.toString().includes(expected) === true, text, { timeout: timeoutMs, polling: 20 })
  return { pageA, pageB, joinMs: Date.now() - started }
}

/** The one peer path `page` has (from `getStats()`, see src/network/readPeerPath.ts), once it is `path`. */
export async function expectPeerPath(page: Page, path: PeerPathInfo['path'], timeout = 30_000): Promise<PeerPathInfo> {
  await page.waitForFunction((wanted) => Object.values(window.meshpad?.session.debug().paths ?? {}).some((info) => info.path === wanted), path, { timeout })
  const paths = Object.values(await page.evaluate(() => window.meshpad!.session.debug().paths))
  const info = paths.find((entry) => entry.path === path)!
  return info
}

/** The WebRTC connections the page attempted (counted by an init script, see {@link countPeerConnections}). */
export async function peerConnectionAttempts(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __pcCount?: number }).__pcCount ?? -1)
}

/**
 * Counts the WebRTC connections the pages of `browser`'s next contexts attempt: each
 * RTCPeerConnection that sets a local description (an offer or an answer). The page's WebRTC
 * warm-up (/early-signaling.js, src/early/) sets none.
 */
export const countPeerConnections = (): void => {
  const Original = window.RTCPeerConnection
  const counted = function (this: unknown, ...args: ConstructorParameters<typeof RTCPeerConnection>) {
    const pc = new Original(...args)
    const setLocalDescription = pc.setLocalDescription.bind(pc)
    let attempted = false
    pc.setLocalDescription = ((...description: Parameters<RTCPeerConnection['setLocalDescription']>) => {
      const holder = window as unknown as { __pcCount?: number }
      if (!attempted) holder.__pcCount = (holder.__pcCount ?? 0) + 1
      attempted = true
      return setLocalDescription(...description)
    }) as RTCPeerConnection['setLocalDescription']
    return pc
  } as unknown as typeof RTCPeerConnection
  counted.prototype = Original.prototype
  Object.assign(counted, { generateCertificate: Original.generateCertificate.bind(Original) })
  window.RTCPeerConnection = counted
}
