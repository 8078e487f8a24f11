import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './e2e/support/chromium.js'

/**
 * End-to-end tests: real Chromium (Debian's, see `e2e/support/chromium.ts`), real WebRTC between
 * separate browser contexts, real signaling servers started by each test from the built app
 * (`npm run build` first; `npm run test:e2e` does both).
 */
export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Every test starts its own browsers and servers; two cores run one test at a time best.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    launchOptions: chromiumLaunchOptions(),
    trace: 'retain-on-failure',
  },
})
