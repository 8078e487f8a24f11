import { test as base } from '@playwright/test'
import { MeshpadServer, type MeshpadServerOptions } from './meshpadServer.js'
import { RedisServer } from './redisServer.js'

export { expect } from '@playwright/test'

interface Fixtures {
  /** A Meshpad server (app + signaling) for this test, stopped after it. */
  server: MeshpadServer
  /** Starts more servers for this test; all are stopped after it. */
  startServer: (options?: MeshpadServerOptions) => Promise<MeshpadServer>
  /** A real redis-server for this test (started only when a test asks for it), stopped after it. */
  redis: RedisServer
}

/** Playwright's `test`, with real Meshpad server processes started per test. */
export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  startServer: async ({}, use) => {
    const started: MeshpadServer[] = []
    await use(async (options) => {
      const server = await MeshpadServer.start(options)
      started.push(server)
      return server
    })
    await Promise.all(started.map((server) => server.stop()))
  },
  server: async ({ startServer }, use) => {
    await use(await startServer())
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  redis: async ({}, use) => {
    const redis = await RedisServer.start()
    await use(redis)
    await redis.destroy()
  },
})
