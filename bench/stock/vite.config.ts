import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

/**
 * The stock stack's page (bench/stock/), built on its own into bench/stock/dist/ by
 * `npm run build:stock` (`npm run bench` does it). Same Vite, same target and minifier as Meshpad's
 * build, so the two pages' JavaScript is counted like for like.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  resolve: {
    // NOTE: y-webrtc as published. The project's `y-webrtc` is patched on install (patch-package);
    // `y-webrtc-stock` is an npm alias of the same version that nothing patches.
    alias: [{ find: /^y-webrtc$/, replacement: 'y-webrtc-stock' }],
    dedupe: ['yjs', '@codemirror/state', '@codemirror/view', 'lib0'],
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // NOTE: one chunk by design (the demos' shape); its size is a figure of the benchmark, not a warning.
    chunkSizeWarningLimit: 2000,
  },
})
