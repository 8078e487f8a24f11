import { test as base } from '@playwright/test'
import { MeshpadServer } from './meshpadServer.js'

export { expect } from '@playwright/test'

interface Fixtures {
  /** A Meshpad server (app + signaling) for this test, stopped after it. */
  server: MeshpadServer
  /** Starts more servers for this test; all are stopped after it. */
  startServer: () => Promise<MeshpadServer>
}

/** Playwright's `test`, with real Meshpad server processes started per test. */
export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  startServer: async ({}, use) => {
    const started: MeshpadServer[] = []
    await use(async () => {
      const server = await MeshpadServer.start()
      started.push(server)
      return server
    })
    await Promise.all(started.map((server) => server.stop()))
  },
  server: async ({ startServer }, use) => {
    await use(await startServer())
  },
})
