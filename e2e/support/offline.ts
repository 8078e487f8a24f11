import { expect, type Page } from '@playwright/test'
import type { MeshpadServer } from './meshpadServer.js'

/**
 * Waits until the service worker controls the page, with every file of the build precached: from
 * then on the page loads with no server. A first visit is controlled once the worker is
 * activated (it claims its clients); `ready` resolves at activation, after precaching.
 */
export async function waitForOfflineReady(page: Page): Promise<void> {
  await page.evaluate(() => navigator.serviceWorker.ready)
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
}

/** Stops the server and checks that nothing answers on its port any more. */
export async function stopServer(server: MeshpadServer): Promise<void> {
  await server.stop()
  await expect(fetch(`${server.url}healthz`)).rejects.toThrow()
}

/** The page's sync state (`data-state` of the status bar's peers part; see `SyncState`). */
export async function expectSyncState(page: Page, state: string, timeout = 15_000): Promise<void> {
  await expect(page.getByTestId('status-peers')).toHaveAttribute('data-state', state, { timeout })
}
