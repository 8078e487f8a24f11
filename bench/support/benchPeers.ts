import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { chromiumLaunchOptions } from '../../e2e/support/chromium.ts'
import { MeshpadServer } from '../../e2e/support/meshpadServer.ts'
import { installProbe, type ProbeOptions, type ProbeState, type ProbeWindow } from './pageProbe.ts'
import { startStockServer, stockPageUrl } from './stockStack.ts'

/** One Meshpad user: a browser context of their own (own storage, own BroadcastChannel scope). */
export interface BenchPeer {
  context: BrowserContext
  page: Page
}

export interface BenchStage {
  browser: Browser
  server: MeshpadServer
  /**
   * With `{ stock: true }`: a new room of the stock stack's page (bench/stock/), served by a
   * server of its own and signaling through `server`, Meshpad's. Otherwise null.
   */
  stockUrl: string | null
}

/**
 * Runs `body` with a real Meshpad server (the production build: `npm run bench` builds first)
 * and Debian's Chromium, and stops both afterwards, whatever happens. `stock: true` also serves
 * the stock stack's page (`npm run build:stock`; `npm run bench` builds it too).
 */
export async function withStage<T>(body: (stage: BenchStage) => Promise<T>, options: { stock?: boolean } = {}): Promise<T> {
  const server = await MeshpadServer.start()
  let stock: MeshpadServer | null = null
  let browser: Browser | null = null
  try {
    stock = options.stock ? await startStockServer() : null
    browser = await chromium.launch(chromiumLaunchOptions())
    return await body({ browser, server, stockUrl: stock ? stockPageUrl(stock, server) : null })
  } finally {
    await browser?.close()
    await stock?.stop()
    await server.stop()
  }
}

/**
 * A fresh context: no storage, no cache and no service worker of an earlier run (service
 * workers are blocked, so every figure is a first visit's unless a benchmark says otherwise).
 */
export async function newPeerContext(browser: Browser, probe: ProbeOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ serviceWorkers: 'block' })
  // tsx compiles with esbuild's keepNames, which wraps named functions in `__name(…)`;
  // functions sent to the page for `evaluate` need that helper there too.
  await context.addInitScript({ content: 'globalThis.__name = (fn) => fn' })
  await context.addInitScript(installProbe, probe)
  return context
}

/**
 * Opens Meshpad at `url` in a new page of `context` and waits for its session and editor. The
 * stock stack's page exposes the same probe (`window.meshpad.session`), so it opens here too.
 */
export async function openMeshpad(context: BrowserContext, url: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(url)
  await page.locator('.cm-content').waitFor()
  await page.waitForFunction(() => window.meshpad?.session !== undefined)
  return page
}

/** A peer of its own at `url`: fresh context, page, probe. */
export async function openPeer(browser: Browser, url: string, probe: ProbeOptions = {}): Promise<BenchPeer> {
  const context = await newPeerContext(browser, probe)
  return { context, page: await openMeshpad(context, url) }
}

/** Waits until the page has at least `count` WebRTC peers with an open data channel. */
export async function waitForLinks(page: Page, count: number, timeout = 30_000): Promise<void> {
  await page.waitForFunction((n) => (window.meshpad?.session.debug().webrtcConnected ?? -1) >= n, count, { timeout })
}

/**
 * Opens `count` peers in one room (the first creates it at `url`, a page with no room yet) and
 * waits for a full WebRTC mesh.
 */
export async function openRoom(browser: Browser, url: string, count: number): Promise<BenchPeer[]> {
  const first = await openPeer(browser, url)
  const link = first.page.url()
  const peers = [first]
  for (let i = 1; i < count; i++) peers.push(await openPeer(browser, link))
  await Promise.all(peers.map((peer) => waitForLinks(peer.page, count - 1)))
  return peers
}

export async function closePeers(peers: readonly BenchPeer[]): Promise<void> {
  await Promise.all(peers.map((peer) => peer.context.close()))
}

/** The page's probe state (see `installProbe`), minus the peer connections and the send hook. */
export async function probeState(page: Page): Promise<Omit<ProbeState, 'peerConnections' | 'onSend'>> {
  return page.evaluate(() => {
    const { peerConnections: _, onSend: __, ...rest } = (window as unknown as ProbeWindow).__bench
    return rest
  })
}

/** `performance.timeOrigin` of the page: add it to the page's `performance.now()` times. */
export async function timeOrigin(page: Page): Promise<number> {
  return page.evaluate(() => performance.timeOrigin)
}

/** The document's state vector (client → clock), read from Yjs's struct store. */
export async function stateVector(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const doc = window.meshpad?.session.doc as unknown as { store: { clients: Map<number, { id: { clock: number }; length: number }[]> } }
    const vector: Record<string, number> = {}
    doc.store.clients.forEach((structs, client) => {
      const last = structs[structs.length - 1]
      if (last) vector[client] = last.id.clock + last.length
    })
    return vector
  })
}

/** The text of the editor's own document (CodeMirror's state, which the DOM shows). */
export async function editorDocText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const content = document.querySelector('.cm-content') as (Element & { cmTile?: { root?: { view?: { state: { doc: { toString(): string } } } } } }) | null
    const view = content?.cmTile?.root?.view
    if (!view) throw new Error('no CodeMirror view found on .cm-content')
    return view.state.doc.toString()
  })
}

/** Data-channel totals of every open peer connection of the page, from `getStats()`. */
export async function dataChannelStats(page: Page): Promise<{ messagesSent: number; bytesSent: number; messagesReceived: number; bytesReceived: number }> {
  return page.evaluate(async () => {
    const totals = { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0 }
    for (const pc of (window as unknown as ProbeWindow).__bench.peerConnections) {
      if (pc.connectionState === 'closed') continue
      const report = await pc.getStats()
      report.forEach((stats: { type: string } & Partial<typeof totals>) => {
        if (stats.type !== 'data-channel') return
        totals.messagesSent += stats.messagesSent ?? 0
        totals.bytesSent += stats.bytesSent ?? 0
        totals.messagesReceived += stats.messagesReceived ?? 0
        totals.bytesReceived += stats.bytesReceived ?? 0
      })
    }
    return totals
  })
}

/** Milliseconds with one decimal. */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`
}

/** A `p50 / p95 / p99 (n=…)` cell. */
export function latencyCell(summary: { n: number; p50: number; p95: number; p99: number }): string {
  return `${summary.p50.toFixed(1)} / ${summary.p95.toFixed(1)} / ${summary.p99.toFixed(1)} ms (n=${summary.n})`
}

/** Resolves after `ms`: pacing between key presses, never a stand-in for a condition. */
export function pause(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds))
}
