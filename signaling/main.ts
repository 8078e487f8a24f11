/**
 * The process entry point (`node build/signaling/main.js`).
 *
 * Environment: `PORT` (default 4444; 0 = any free port), `HOST` (default 0.0.0.0), `STATIC_DIR`
 * (default: the project's `dist/`). SIGTERM and SIGINT close the server gracefully and exit 0; a
 * shutdown that takes longer than {@link HARD_EXIT_MS} exits 1.
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createSignalingServer, DEFAULT_HOST, DEFAULT_PORT } from './server.js'

const HARD_EXIT_MS = 5000

function parsePort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid PORT: ${JSON.stringify(value)}`)
    process.exit(1)
  }
  return port
}

// NOTE: resolved against this file's compiled location, build/signaling/main.js, so the default is
// the project's dist/ whatever the working directory.
const staticDir = process.env.STATIC_DIR ? resolve(process.env.STATIC_DIR) : fileURLToPath(new URL('../../dist', import.meta.url))

const signaling = createSignalingServer({
  port: parsePort(process.env.PORT),
  host: process.env.HOST || DEFAULT_HOST,
  staticDir,
  log: (line) => console.log(line),
})

try {
  const { port, host } = await signaling.listen()
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  console.log(`Meshpad: http://${shown}:${port}/ (signaling: ws://${shown}:${port}/signaling, static: ${staticDir}, bound to ${host})`)
} catch (error) {
  console.error(`Meshpad: cannot listen: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}

function shutdown(signal: NodeJS.Signals): void {
  console.log(`Meshpad: ${signal}, shutting down`)
  setTimeout(() => {
    console.error(`Meshpad: shutdown took longer than ${HARD_EXIT_MS} ms, exiting`)
    process.exit(1)
  }, HARD_EXIT_MS).unref()
  signaling.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('Meshpad: shutdown failed', error)
      process.exit(1)
    },
  )
}

process.once('SIGTERM', shutdown)
process.once('SIGINT', shutdown)
