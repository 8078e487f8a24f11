import { type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { spawnReady, stopChild } from './childProcess.js'
import { freePort } from './meshpadServer.js'
import { WebDriverSession } from './WebDriverSession.js'
import { Xvfb } from './Xvfb.js'

const INSTALL_HINT = 'Install it with `sudo apt-get install -y webkit2gtk-driver xvfb` (Debian)'

/** WebKitGTK's WebDriver server: `WEBKIT_WEBDRIVER_PATH`, else Debian's. */
export function webkitWebDriverPath(): string {
  const path = process.env.WEBKIT_WEBDRIVER_PATH || '/usr/bin/WebKitWebDriver'
  if (!existsSync(path)) throw new Error(`WebKitWebDriver not found at ${path}. ${INSTALL_HINT}, or point WEBKIT_WEBDRIVER_PATH at it.`)
  return path
}

/**
 * The browser WebKitWebDriver drives: `WEBKIT_MINIBROWSER_PATH`, else Debian's MiniBrowser
 * (`dpkg -L libwebkit2gtk-4.1-0 | grep MiniBrowser`).
 */
export function miniBrowserPath(): string {
  const path = process.env.WEBKIT_MINIBROWSER_PATH || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'
  if (!existsSync(path)) throw new Error(`WebKitGTK's MiniBrowser not found at ${path}. ${INSTALL_HINT}, or point WEBKIT_MINIBROWSER_PATH at it.`)
  return path
}

/** A WebKitGTK MiniBrowser under its own Xvfb, driven over WebDriver; `close()` ends all three. */
export interface WebKit {
  readonly session: WebDriverSession
  /** Idempotent. */
  close(): Promise<void>
}

/**
 * Starts Xvfb on a free display, WebKitWebDriver on a free port, and a WebDriver session that
 * runs MiniBrowser in automation mode (no headless mode: it draws on the Xvfb display).
 */
export async function launchWebKit(): Promise<WebKit> {
  const driverPath = webkitWebDriverPath()
  const binary = miniBrowserPath()
  const xvfb = await Xvfb.start()
  let driver: ChildProcess | null = null
  try {
    const port = await freePort()
    const driverUrl = `http://127.0.0.1:${port}`
    driver = await spawnReady(driverPath, [`--port=${port}`], {
      name: `WebKitWebDriver on port ${port}`,
      env: { ...process.env, DISPLAY: xvfb.display },
      ready: async () => ((await (await fetch(`${driverUrl}/status`)).json()) as { value: { ready: boolean } }).value.ready,
    })
    const session = await WebDriverSession.create(driverUrl, {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary, args: ['--automation'] },
    })
    const started = driver
    let closed: Promise<void> | null = null
    return {
      session,
      close: () =>
        (closed ??= (async () => {
          await session.delete().catch(() => undefined)
          await stopChild(started)
          await xvfb.stop()
        })()),
    }
  } catch (error) {
    if (driver) await stopChild(driver)
    await xvfb.stop()
    throw error
  }
}
