import { fileURLToPath } from 'node:url'
import { defineConfig, type UserConfig } from 'vite'

/**
 * The stock stack's pages, each built on its own by `npm run build:stock` (`npm run bench` does
 * it): the stock page (bench/stock/) into bench/stock/dist/, and the same page plus React and
 * ReactDOM (bench/stock/react/, `--mode react`) into bench/stock/dist/react/. Same Vite, same
 * target and minifier as Meshpad's build, so the pages' JavaScript is counted like for like.
 */
export default defineConfig(({ mode }): UserConfig => {
  const withReact = mode === 'react'
  return {
    root: fileURLToPath(new URL(withReact ? './react/' : '.', import.meta.url)),
    base: withReact ? '/react/' : '/',
    resolve: {
      // y-webrtc as published. The project's `y-webrtc` is patched on install (patch-package);
      // `y-webrtc-stock` is an npm alias of the same version that nothing patches.
      alias: [{ find: /^y-webrtc$/, replacement: 'y-webrtc-stock' }],
      dedupe: ['yjs', '@codemirror/state', '@codemirror/view', 'lib0'],
    },
    build: {
      target: 'es2022',
      outDir: fileURLToPath(new URL(withReact ? './dist/react/' : './dist/', import.meta.url)),
      emptyOutDir: true,
      // One chunk by design (the demos' shape); its size is a figure of the benchmark, not a warning.
      chunkSizeWarningLimit: 2000,
    },
  }
})
