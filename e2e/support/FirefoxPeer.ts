import type { BrowserContext, Page } from 'puppeteer-core'
import type { SessionDebugInfo } from '../../src/session/openSession.js'
import { EDITOR } from './peer.js'

const TIMEOUT = 15_000

/**
 * Errors Firefox reports as page errors that are not the page's: a WebSocket that cannot connect
 * while the server is down.
 */
const NOT_THE_PAGES = /can.t establish a connection to the server at ws:|WebSocket/i

/**
 * A Meshpad page in Firefox (puppeteer-core over WebDriver BiDi), with the helpers of `peer.ts`
 * that the Playwright pages have. It records the page's own errors in `errors`.
 */
export class FirefoxPeer {
  readonly errors: string[] = []

  private constructor(readonly page: Page) {
    page.on('pageerror', (error) => {
      const message = error instanceof Error ? error.message : String(error)
      if (!NOT_THE_PAGES.test(message)) this.errors.push(message)
    })
  }

  /** Opens `url` in a new tab of `context` and waits for the editor. */
  static async open(context: BrowserContext, url: string): Promise<FirefoxPeer> {
    const peer = new FirefoxPeer(await context.newPage())
    await peer.goto(url)
    return peer
  }

  async goto(url: string): Promise<void> {
    await this.page.goto(url)
    await this.page.waitForSelector(EDITOR, { timeout: TIMEOUT })
  }

  async reload(): Promise<void> {
    await this.page.reload()
    await this.page.waitForSelector(EDITOR, { timeout: TIMEOUT })
  }

  /** The session's debug info (see `Session.debug()`). */
  debug(): Promise<SessionDebugInfo> {
    return this.page.evaluate(() => {
      const session = window.meshpad?.session
      if (!session) throw new Error('no Meshpad session on this page')
      return session.debug()
    })
  }

  /** The document's text. */
  text(): Promise<string> {
    return this.page.evaluate(() => window.meshpad?.session.text.toString() ?? '')
  }

  async waitForText(text: string): Promise<void> {
    await this.page.waitForFunction((expected) => window.meshpad?.session.text.toString() === expected, { timeout: TIMEOUT }, text)
  }

  /** Waits until the page has `count` peers over an open WebRTC data channel. */
  async waitForWebrtcPeers(count: number, timeout = TIMEOUT): Promise<void> {
    await this.page.waitForFunction((n) => window.meshpad?.session.debug().webrtcConnected === n, { timeout }, count)
  }

  /** Waits until the element with `data-testid` `testId` shows exactly `text`. */
  async waitForTestIdText(testId: string, text: string, timeout = TIMEOUT): Promise<void> {
    await this.page.waitForFunction(
      (id, expected) => document.querySelector(`[data-testid="${id}"]`)?.textContent === expected,
      { timeout },
      testId,
      text,
    )
  }

  /** Waits until the element with `data-testid` `testId` has `data-state` `state`. */
  async waitForState(testId: string, state: string, timeout = TIMEOUT): Promise<void> {
    await this.page.waitForFunction(
      (id, expected) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-state') === expected,
      { timeout },
      testId,
      state,
    )
  }

  /** Puts the caret at the end of the document and types like a person. */
  async typeAtEnd(text: string): Promise<void> {
    await this.page.click(EDITOR)
    await this.page.keyboard.down('Control')
    await this.page.keyboard.press('End')
    await this.page.keyboard.up('Control')
    await this.page.keyboard.type(text)
  }

  /** Sets the person's name, as they would in the people list. */
  async setName(name: string): Promise<void> {
    // Filling leaves the focus in the field; Enter confirms the name there.
    await this.page.locator('::-p-aria(Your name)').fill(name)
    await this.page.keyboard.press('Enter')
  }

  /** Waits for "Saved on this device": IndexedDB holds the latest edit. */
  async waitForSaved(): Promise<void> {
    await this.waitForState('status-storage', 'saved')
  }
}
