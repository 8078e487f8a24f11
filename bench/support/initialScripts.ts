import { gzipSync } from 'node:zlib'
import type { Browser } from '@playwright/test'

/** One script a page fetched: its URL, and its size as served and gzipped. */
export interface FetchedScript {
  url: string
  bytes: number
  gzipBytes: number
}

/** Every script of a first visit, and their gzipped total. */
export interface InitialScripts {
  scripts: FetchedScript[]
  gzipBytes: number
}

/**
 * The JavaScript a first visit to `url` downloads: every script the page fetched from navigation
 * until the network was quiet (Playwright's `networkidle`: no request for 500 ms), in a fresh
 * context (nothing cached) with service workers blocked (a worker would precache the whole app,
 * lazy chunks included, which the page itself never asked for). Each body is gzipped here at
 * zlib's default level, whatever the server sent, so any two pages are counted the same way.
 */
export async function initialScripts(browser: Browser, url: string): Promise<InitialScripts> {
  const context = await browser.newContext({ serviceWorkers: 'block' })
  try {
    const page = await context.newPage()
    const bodies: Promise<FetchedScript | null>[] = []
    page.on('response', (response) => {
      if (response.request().resourceType() !== 'script') return
      bodies.push(
        response.body().then(
          (body) => ({ url: response.url(), bytes: body.byteLength, gzipBytes: gzipSync(body).byteLength }),
          () => null,
        ),
      )
    })
    await page.goto(url, { waitUntil: 'networkidle' })
    const scripts = (await Promise.all(bodies)).filter((script): script is FetchedScript => script !== null)
    if (scripts.length === 0) throw new Error(`${url} fetched no script: not the page expected`)
    return { scripts, gzipBytes: scripts.reduce((sum, script) => sum + script.gzipBytes, 0) }
  } finally {
    await context.close()
  }
}
