import { existsSync } from 'node:fs'
import type { LaunchOptions } from '@playwright/test'

/**
 * The Chromium the tests drive: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. Playwright's
 * own browser download does not work on these machines. With no browser the run fails with the
 * install hint: an e2e suite that skips proves nothing.
 */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. Install it with \`sudo apt-get install -y chromium\` ` +
        '(Debian/Ubuntu), or point CHROMIUM_PATH at a Chromium or Chrome binary.',
    )
  }
  return path
}

export function chromiumLaunchOptions(): LaunchOptions {
  return {
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  }
}
