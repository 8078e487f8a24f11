import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test'
import type { SessionDebugInfo } from '../../src/session/openSession.js'

/** The editor's contenteditable. */
export const EDITOR = '.cm-content'

/**
 * A peer of its own: a fresh browser context (own storage, own BroadcastChannel scope), so
 * whatever it shares with others must travel over WebRTC.
 */
export async function openPeer(browser: Browser, url: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(url)
  await page.locator(EDITOR).waitFor()
  return { context, page }
}

/** The session's debug info (see `Session.debug()`). */
export async function debugInfo(page: Page): Promise<SessionDebugInfo> {
  return page.evaluate(() => {
    const session = window.meshpad?.session
    if (!session) throw new Error('no Meshpad session on this page')
    return session.debug()
  })
}

/** Waits until the page has `count` peers over an open WebRTC data channel. */
export async function waitForWebrtcPeers(page: Page, count: number, timeout = 15_000): Promise<void> {
  await page.waitForFunction((n) => (window.meshpad?.session.debug().webrtcConnected ?? -1) >= n, count, { timeout })
}

/** The document text as the editor shows it. */
export async function editorText(page: Page): Promise<string> {
  return page.evaluate(() => window.meshpad?.session.text.toString() ?? '')
}

/**
 * Waits until the document's text is exactly `text`. The editor's DOM text also holds the
 * names on other people's cursors (another tab's, too).
 */
export async function expectDocumentText(page: Page, text: string): Promise<void> {
  await expect.poll(() => editorText(page), { timeout: 10_000 }).toBe(text)
}

/** Waits until the editor's DOM shows `text` somewhere in the document. */
export async function expectEditorToContain(page: Page, text: string): Promise<void> {
  await expect.poll(() => page.locator(EDITOR).innerText(), { timeout: 10_000 }).toContain(text)
}

/** Puts the caret at the end of the document and types like a person. */
export async function typeAtEnd(page: Page, text: string): Promise<void> {
  await page.locator(EDITOR).click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(text)
}

/**
 * A types, B sees it; B answers, A sees both: text crosses the room both ways. `fromA` ends with
 * the separator that comes before `fromB`.
 */
export async function expectTextBothWays(a: Page, b: Page, fromA: string, fromB: string): Promise<void> {
  await typeAtEnd(a, fromA)
  await expectEditorToContain(b, fromA.trim())
  await typeAtEnd(b, fromB)
  await expectEditorToContain(a, `${fromA}${fromB}`)
}

/** The room's data reaches this page over WebRTC: `peers` open data channels, no other tab. */
export async function expectWebrtcPath(page: Page, peers: number): Promise<void> {
  const info = await debugInfo(page)
  expect(info.webrtcConnected).toBe(peers)
  expect(info.bcPeers).toBe(0)
}

/** Waits for "Saved on this device": IndexedDB holds the latest edit. */
export async function waitForSaved(page: Page): Promise<void> {
  await expect(page.getByTestId('status-storage')).toHaveAttribute('data-state', 'saved')
}
