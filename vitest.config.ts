import { defineConfig } from 'vitest/config'

// Vitest's default include also matches Playwright's `e2e/*.spec.ts`; unit tests are
// `*.test.ts` beside the code they test, and only those are collected here.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'signaling/**/*.test.ts', 'peer/**/*.test.ts'],
    environment: 'node',
    testTimeout: 15_000,
    // Both cores of a 2-core machine: the suite is CPU-bound, and its longest file (the gossip
    // simulation) runs beside the rest instead of after it.
    maxWorkers: 2,
    // simple-peer-light ships ES modules in a package Node reads as CommonJS: Vitest transforms it.
    server: { deps: { inline: ['simple-peer-light'] } },
  },
})
