import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser } from 'puppeteer-core'

/**
 * The Firefox the tests drive: `FIREFOX_PATH`, else Debian's `/usr/bin/firefox-esr`. Playwright's
 * own Firefox build cannot be downloaded on these machines. With no browser the run fails with the
 * install hint: a suite that skips proves nothing.
 */
export function firefoxPath(): string {
  const path = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr'
  if (!existsSync(path)) {
    throw new Error(
      `Firefox not found at ${path}. Install it with \`sudo apt-get install -y firefox-esr\` ` +
        '(Debian), or point FIREFOX_PATH at a Firefox binary.',
    )
  }
  return path
}

/** A headless Firefox with a profile of its own; `close()` ends it and removes the profile. */
export interface Firefox {
  readonly browser: Browser
  /** Idempotent. */
  close(): Promise<void>
}

/**
 * Launches Firefox over WebDriver BiDi (puppeteer-core) with a fresh profile in a temp directory.
 * The prefs let pages use WebRTC with no prompt: Meshpad opens data channels only, which Firefox
 * allows without asking, and host candidates stay plain addresses so Firefox and Chromium on one
 * machine need no mDNS to find each other.
 */
export async function launchFirefox(): Promise<Firefox> {
  const executablePath = firefoxPath()
  const profile = await mkdtemp(join(tmpdir(), 'meshpad-firefox-'))
  let browser: Browser
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath,
      protocol: 'webDriverBiDi',
      headless: true,
      userDataDir: profile,
      // Playwright's default, so the app lays out as in the Chromium tests (editor and preview side by side).
      defaultViewport: { width: 1280, height: 720 },
      extraPrefsFirefox: {
        'media.navigator.permission.disabled': true,
        'media.peerconnection.ice.obfuscate_host_addresses': false,
      },
    })
  } catch (error) {
    await rm(profile, { recursive: true, force: true })
    throw error
  }
  let closed: Promise<void> | null = null
  return {
    browser,
    close: () =>
      (closed ??= (async () => {
        await browser.close().catch(() => undefined)
        await rm(profile, { recursive: true, force: true })
      })()),
  }
}
