import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'
import { VitePWA } from 'vite-plugin-pwa'
import { EARLY_SCRIPTS, buildEarlyScript, isEarlyScriptFile, type EarlyScriptFile } from './src/early/buildEarlyScript.ts'

/**
 * The page's early classic scripts (`/early-copy.js`, `/early-signaling.js`: see src/early/), built
 * by esbuild from their TypeScript entry modules, which import the rules they share with the app.
 * The build emits them as assets before the service worker lists the build's files; the dev server
 * builds them on each request.
 */
function earlyScripts(): Plugin {
  return {
    name: 'meshpad:early-scripts',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = (req.url ?? '').split('?')[0]?.slice(1) ?? ''
        if (!isEarlyScriptFile(file)) return next()
        buildEarlyScript(file).then(({ code }) => {
          res.setHeader('Content-Type', 'text/javascript')
          res.setHeader('Cache-Control', 'no-cache')
          res.end(code)
        }, next)
      })
    },
    async generateBundle() {
      for (const file of Object.keys(EARLY_SCRIPTS) as EarlyScriptFile[]) {
        const { code, inputs } = await buildEarlyScript(file)
        for (const input of inputs) this.addWatchFile(resolve(input))
        this.emitFile({ type: 'asset', fileName: file, source: code })
      }
    },
  }
}

/**
 * The service worker (Workbox `generateSW`): precaches every file of the build, lazily loaded
 * language chunks included, so a Meshpad visited once opens, and edits, with no server at all.
 *
 * - `registerType: 'prompt'`: a new deploy installs beside the running version and waits; the page
 *   offers "A new version is available — Reload" (src/ui/update/UpdateBanner.tsx) and activates it only
 *   when the person clicks, after the local save is confirmed. Never `skipWaiting` on its own.
 * - `clientsClaim`: the first worker controls the page that installed it, so a first visit is
 *   already available offline. It cannot swap code under a running page: a first worker serves
 *   exactly the build the page runs, and an update still waits for the click above.
 * - Navigations: a room is `/#secret`, so every navigation is `/` (with or without a query) and
 *   gets `index.html`; the server's own endpoints are never answered by the worker.
 * - The manifest and icons are static files in `public/` (they are precached too).
 */
function serviceWorker() {
  return VitePWA({
    strategies: 'generateSW',
    registerType: 'prompt',
    // NOTE: registered from src/ui/update/registerAppWorker.ts, with the browser's own API.
    injectRegister: false,
    manifest: false,
    workbox: {
      globPatterns: ['**/*.{js,css,html,svg,png,ico,webmanifest}'],
      navigateFallback: '/index.html',
      // NOTE: /ice-servers carries expiring TURN credentials: always from the network, never cached.
      navigateFallbackDenylist: [/^\/healthz/, /^\/metrics/, /^\/signaling/, /^\/ice-servers/],
      clientsClaim: true,
      skipWaiting: false,
      cleanupOutdatedCaches: true,
      // One file, `sw.js`, that the server sends with `Cache-Control: no-cache`.
      inlineWorkboxRuntime: true,
      sourcemap: false,
    },
  })
}

/**
 * React's API, Preact's implementation: `preact/compat` stands in for `react` and `react-dom`
 * (about 60 kB of gzipped JavaScript less on a first visit). The code, its types and its JSX stay
 * React's. Each pattern matches one whole module name.
 */
const PREACT_FOR_REACT = [
  { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
  { find: /^react-dom$/, replacement: 'preact/compat' },
  { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
  { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
  { find: /^react$/, replacement: 'preact/compat' },
]

/**
 * y-webrtc's peer connection without Node's stream polyfills: see src/network/browserPeer.ts.
 * Only the browser build; Node (tests, the always-on peer) keeps simple-peer itself.
 */
const LIGHT_PEER = [
  { find: /^simple-peer\/simplepeer\.min\.js$/, replacement: fileURLToPath(new URL('./src/network/browserPeer.ts', import.meta.url)) },
]

export default defineConfig({
  plugins: [react(), earlyScripts(), serviceWorker()],
  resolve: {
    alias: [...PREACT_FOR_REACT, ...LIGHT_PEER],
    // NOTE: two copies of either break Meshpad (Yjs's `instanceof` checks, CodeMirror's facets).
    dedupe: ['yjs', '@codemirror/state', '@codemirror/view', 'lib0'],
  },
  // NOTE: the Markdown preview's worker is an ES module (`new Worker(…, {type: 'module'})`).
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    rolldownOptions: {
      output: {
        // NOTE: everything the page imports at once in one chunk: a common chunk split off for
        // the lazy ones would cost a request and gzip's shared dictionary on every first visit.
        codeSplitting: { groups: [{ name: 'app', tags: ['$initial'] }] },
      },
    },
  },
  server: {
    // `npm run dev`: signaling from the Meshpad server (`npm run serve`) on its default port.
    proxy: { '/signaling': { target: 'ws://localhost:4444', ws: true }, '/ice-servers': { target: 'http://localhost:4444' } },
  },
})
