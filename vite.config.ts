import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  plugins: [react()],
  resolve: {
    // NOTE: two copies of either break Meshpad (Yjs's `instanceof` checks, CodeMirror's facets).
    dedupe: ['yjs', '@codemirror/state', '@codemirror/view', 'lib0'],
  },
  build: {
    target: 'es2022',
    sourcemap: true,
  },
  server: {
    // `npm run dev`: signaling from the Meshpad server (`npm run serve`) on its default port.
    proxy: { '/signaling': { target: 'ws://localhost:4444', ws: true } },
  },
})
