import type { Browser } from '@playwright/test'
import { newPeerContext, probeState, stateVector, type BenchPeer } from './benchPeers.ts'
import { SYNCED_MESSAGE } from './pageProbe.ts'

/** How long a joining peer is given to meet its first peer and to hold the whole document. */
export const SYNC_TIMEOUT_MS = 20_000

/** One first visit, `performance.now()` of the joining page (0 = its navigation start); null: never. */
export interface Join {
  /** First WebRTC peer connected (data channel open): the page's `debug().firstPeerAt`. */
  firstPeer: number | null
  /** The document holds everything the holder's does (its state vector), texts equal. */
  synced: number | null
}

/**
 * A new peer (fresh browser context: nothing stored, nothing cached, service workers blocked)
 * opens `link`, a room where `holder` already is. Works on any page exposing
 * `window.meshpad.session` (`doc`, `text`, `debug().firstPeerAt`): Meshpad and the stock page.
 */
export async function joinOnce(browser: Browser, link: string, holder: BenchPeer): Promise<Join> {
  const target = await stateVector(holder.page)
  const context = await newPeerContext(browser, { targetStateVector: target })
  try {
    const page = await context.newPage()
    // Nothing is evaluated in the joining page until it has synced and met its first peer:
    // the probe logs it (SYNCED_MESSAGE), so the join runs as it would without a harness. A
    // timeout is reported as "did not sync": the figure is that it never happened in time.
    const synced = page.waitForEvent('console', { predicate: (message) => message.text() === SYNCED_MESSAGE, timeout: SYNC_TIMEOUT_MS }).catch(() => null)
    await page.goto(link)
    await synced
    const { syncedAt } = await probeState(page)
    const firstPeer = await page.evaluate(() => window.meshpad?.session.debug().firstPeerAt ?? null)
    if (syncedAt !== null) {
      const [mine, theirs] = await Promise.all([page, holder.page].map((p) => p.evaluate(() => window.meshpad?.session.text.toString())))
      if (mine !== theirs) throw new Error('joined peer holds the state vector but not the same text')
    }
    return { firstPeer, synced: syncedAt }
  } finally {
    await context.close()
  }
}
