import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type BrowserContext, type Page, type Response } from '@playwright/test'
import { expect, test } from './support/test.js'
import { chromiumLaunchOptions } from './support/chromium.js'
import { expectSyncState, stopServer, waitForOfflineReady } from './support/offline.js'
import { EDITOR, editorText, expectEditorToContain, openPeer, typeAtEnd, waitForSaved, waitForWebrtcPeers } from './support/peer.js'

const OFFLINE_TEXT = 'Offline: edits are saved on this device and will sync when a peer is reachable'
const DIST = fileURLToPath(new URL('../dist', import.meta.url))

test('the service worker precaches every file of the build the app may load', async () => {
  const files = (await readdir(DIST, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => relative(DIST, join(entry.parentPath, entry.name)).split('\\').join('/'))
  const worker = await readFile(join(DIST, 'sw.js'), 'utf8')
  const precached = new Set([...worker.matchAll(/\burl:"([^"]+)"/g)].map((match) => match[1]))
  // Source maps are for developers' tools, robots.txt for crawlers; the worker does not cache itself.
  const needed = files.filter((file) => !file.endsWith('.map') && file !== 'robots.txt' && file !== 'sw.js')
  expect(needed.filter((file) => file.startsWith('assets/') && file.endsWith('.js')).length).toBeGreaterThan(5)
  expect(needed.filter((file) => !precached.has(file))).toEqual([])
})

test('a room visited once opens, edits and saves with the server stopped, and syncs once it is back', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  await waitForOfflineReady(a.page)
  await typeAtEnd(a.page, 'Typed online. ')
  await waitForSaved(a.page)
  const link = a.page.url()

  // No server at all: the page, its scripts and the text come from this browser alone.
  await stopServer(server)
  const reloaded = await a.page.reload()
  expect(reloaded?.fromServiceWorker()).toBe(true)
  await expect(a.page.locator(EDITOR)).toHaveText('Typed online. ')
  await expectSyncState(a.page, 'offline')
  await expect(a.page.getByTestId('status-peers')).toHaveText(OFFLINE_TEXT)
  await typeAtEnd(a.page, 'Typed offline.')
  await waitForSaved(a.page)

  // The server comes back; A finds it by itself, and a new peer gets everything.
  await server.start()
  const b = await openPeer(browser, link)
  await waitForWebrtcPeers(a.page, 1, 30_000)
  await expectEditorToContain(b.page, 'Typed online. Typed offline.')
  await expect(a.page.getByTestId('status-peers')).toHaveText('Synced with 1 peer')
  await expect(b.page.getByTestId('status-peers')).toHaveText('Synced with 1 peer')
  expect(await editorText(b.page)).toBe(await editorText(a.page))
  await a.context.close()
  await b.context.close()
})

/** Types `lines` at the document's start or end, one line at a time, as separate edits. */
async function typeLines(page: Page, where: 'start' | 'end', lines: readonly string[]): Promise<void> {
  await page.locator(EDITOR).click()
  for (const line of lines) {
    if (where === 'end') {
      await page.keyboard.press('Control+End')
      await page.keyboard.insertText(`\n${line}`)
    } else {
      await page.keyboard.press('Control+Home')
      await page.keyboard.insertText(`${line}\n`)
    }
  }
}

test('peers that edited apart through a long offline stretch merge without losing a line', async ({ browser, server }) => {
  test.setTimeout(120_000)
  // B is a browser process of its own with a profile on disk, so it can be closed and come back.
  const profile = await mkdtemp(join(tmpdir(), 'meshpad-profile-'))
  let b: BrowserContext | null = null
  try {
    const a = await openPeer(browser, server.url)
    const link = a.page.url()
    b = await chromium.launchPersistentContext(profile, chromiumLaunchOptions())
    const bPage = b.pages()[0] ?? (await b.newPage())
    await bPage.goto(link)
    await waitForWebrtcPeers(a.page, 1)
    await typeAtEnd(a.page, 'Shared line one.\nShared line two.')
    await expectEditorToContain(bPage, 'Shared line two.')
    await waitForOfflineReady(a.page)
    await waitForOfflineReady(bPage)
    await waitForSaved(bPage)

    // The partition: no server, and B's browser closed (its data channel with it).
    await stopServer(server)
    await b.close()
    b = null
    await expectSyncState(a.page, 'offline')

    const fromA = Array.from({ length: 30 }, (_, i) => `A wrote line ${i + 1} while apart.`)
    const fromB = Array.from({ length: 30 }, (_, i) => `B wrote line ${i + 1} while apart.`)
    await typeLines(a.page, 'end', fromA.slice(0, 15))
    await waitForSaved(a.page)
    // A reloads with no server: its edits so far are kept, and it goes on.
    await a.page.reload()
    await expectEditorToContain(a.page, fromA[14]!)
    await typeLines(a.page, 'end', fromA.slice(15))
    await waitForSaved(a.page)

    // B comes back with no server either: it opens from its own disk and edits on its own.
    b = await chromium.launchPersistentContext(profile, chromiumLaunchOptions())
    const again = b.pages()[0] ?? (await b.newPage())
    await again.goto(link)
    await expect(again.locator(EDITOR)).toContainText('Shared line two.')
    await expectSyncState(again, 'offline')
    await typeLines(again, 'start', fromB.slice(0, 15))
    await waitForSaved(again)
    await typeLines(again, 'end', fromB.slice(15))
    await waitForSaved(again)
    expect(await editorText(again)).not.toContain('A wrote')
    expect(await editorText(a.page)).not.toContain('B wrote')

    // They meet again once the server is back.
    await server.start()
    await waitForWebrtcPeers(a.page, 1, 30_000)
    await waitForWebrtcPeers(again, 1, 30_000)
    await expectSyncState(a.page, 'synced')
    await expectSyncState(again, 'synced')
    await expect.poll(async () => (await editorText(a.page)) === (await editorText(again))).toBe(true)
    const merged = await editorText(a.page)
    for (const line of ['Shared line one.', 'Shared line two.', ...fromA, ...fromB]) expect(merged).toContain(line)
    await a.context.close()
  } finally {
    await b?.close()
    await rm(profile, { recursive: true, force: true })
  }
})

test('the service worker serves a language loaded for the first time with the server stopped', async ({ browser, server }) => {
  const { context, page } = await openPeer(browser, server.url)
  await waitForOfflineReady(page)
  await typeAtEnd(page, 'def greet(name):\n    return f"hello {name}"')
  await expect(page.locator('.editor')).toHaveAttribute('data-language', 'plaintext')

  await stopServer(server)
  const scripts: Response[] = []
  page.on('response', (response) => {
    if (new URL(response.url()).pathname.startsWith('/assets/')) scripts.push(response)
  })
  await page.getByLabel('Language').selectOption('python')
  await expect(page.locator('.editor')).toHaveAttribute('data-language', 'python')
  await expect(page.locator('.editor')).toHaveAttribute('data-language-state', 'ready')
  // Python's highlighting is in effect: the keyword is styled apart from plain text.
  const keyword = page.locator('.cm-line span', { hasText: /^def$/ })
  await expect(keyword).toHaveCount(1)

  // The chunk was fetched now (never before), and the service worker answered.
  expect(scripts.length).toBeGreaterThan(0)
  for (const response of scripts) {
    expect(response.status(), response.url()).toBe(200)
    expect(response.fromServiceWorker(), response.url()).toBe(true)
  }
  const cached = await page.evaluate(async () => {
    const urls: string[] = []
    for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(request.url)
    return urls
  })
  for (const response of scripts) expect(cached.some((url) => url.startsWith(response.url()))).toBe(true)
  await context.close()
})
