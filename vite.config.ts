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
    // Registered from src/ui/update/registerAppWorker.ts, with the browser's own API.
    injectRegister: false,
    manifest: false,
    workbox: {
      globPatterns: ['**/*.{js,css,html,svg,png,ico,webmanifest}'],
      navigateFallback: '/index.html',
      // /ice-servers carries expiring TURN credentials: always from the network, never cached.
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
 * The UI's chunk: every module the UI's entry (src/ui/app/mountApp.tsx, loaded by src/loadUi.ts)
 * imports statically and the page's first script does not hold. One file, so a first visit
 * fetches the UI in one request and gzip shares one dictionary across React, CodeMirror and the
 * app, as it did when they were in the first script. The plugin reads the module graph once it
 * is complete; `test` is asked only after that, when the chunks are made.
 */
function uiChunk(): { plugin: Plugin; test: (id: string) => boolean } {
  const entry = fileURLToPath(new URL('./src/ui/app/mountApp.tsx', import.meta.url))
  const modules = new Set<string>()
  const plugin: Plugin = {
    name: 'meshpad:ui-chunk',
    apply: 'build',
    buildEnd() {
      modules.clear()
      const pending = [entry]
      for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
        if (modules.has(id)) continue
        modules.add(id)
        pending.push(...(this.getModuleInfo(id)?.importedIds ?? []))
      }
    },
  }
  return { plugin, test: (id) => modules.has(id) }
}
const UI_CHUNK = uiChunk()

/**
 * y-webrtc's peer connection without Node's stream polyfills: see src/network/browserPeer.ts.
 * Only the browser build; Node (tests, the always-on peer) keeps simple-peer itself.
 */
const LIGHT_PEER = [
  { find: /^simple-peer\/simplepeer\.min\.js$/, replacement: fileURLToPath(new URL('./src/network/browserPeer.ts', import.meta.url)) },
]

export default defineConfig({
  plugins: [react(), earlyScripts(), serviceWorker(), UI_CHUNK.plugin],
  resolve: {
    alias: LIGHT_PEER,
    // Two copies of either break Meshpad (Yjs's `instanceof` checks, CodeMirror's facets).
    dedupe: ['yjs', '@codemirror/state', '@codemirror/view', 'lib0'],
  },
  // The Markdown preview's worker is an ES module (`new Worker(…, {type: 'module'})`).
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    sourcemap: true,
    // Browsers without `<link rel="modulepreload">` still load every chunk, only without the
    // preload: no polyfill in the page's first script.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      output: {
        // Everything the page imports at once in one chunk (a common chunk split off for the lazy
        // ones would cost a request and gzip's shared dictionary on every first visit); then the
        // UI's in one more (see `uiChunk`). src/main.test.ts checks the first.
        codeSplitting: {
          groups: [
            { name: 'app', tags: ['$initial'] },
            { name: 'ui', test: UI_CHUNK.test },
          ],
        },
      },
    },
  },
  server: {
    // `npm run dev`: signaling from the Meshpad server (`npm run serve`) on its default port.
    proxy: { '/signaling': { target: 'ws://localhost:4444', ws: true }, '/ice-servers': { target: 'http://localhost:4444' } },
  },
})
