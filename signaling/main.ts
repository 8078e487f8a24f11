/**
 * The process entry point (`node build/signaling/main.js`).
 *
 * Reads the environment (see `config.ts` and docs/configuration.md); an invalid
 * variable exits 2 with a message naming it. Logs are JSON lines on stdout (pino). SIGTERM and
 * SIGINT close the server gracefully (clients get 1012 and reconnect) and exit 0; a shutdown that
 * takes longer than SHUTDOWN_TIMEOUT_MS exits 1.
 */
import { statSync } from 'node:fs'
import { pino } from 'pino'
import { ConfigError, readConfig, type ServerConfig } from './config.js'
import { redactRedisUrl } from './scaleOut/redisRelay.js'
import { createSignalingServer } from './server.js'

function loadConfig(): ServerConfig {
  try {
    return readConfig(process.env)
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(`Meshpad: invalid configuration: ${error.message}`)
    process.exit(2)
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

const config = loadConfig()
const logger = pino({ level: config.logLevel })
const signaling = createSignalingServer({ ...config.server, logger })
const log = logger.child({ instance: signaling.instanceId })

process.on('uncaughtException', (error) => {
  log.fatal({ err: error }, 'uncaught exception')
  process.exit(1)
})

const staticDir = String(config.server.staticDir)
if (!isDirectory(staticDir)) log.warn({ staticDir }, 'no built app at STATIC_DIR: serving signaling only (run `npm run build`)')

try {
  const { port, host } = await signaling.listen()
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host
  // The TLS key and the TURN secret/credential are never logged.
  const { redisUrl, port: _port, host: _host, staticDir: _staticDir, tls, ice, ...settings } = config.server
  const [http, ws] = tls === undefined ? ['http', 'ws'] : ['https', 'wss']
  log.info(
    {
      port,
      host,
      staticDir,
      redis: redisUrl === undefined ? 'disabled' : redactRedisUrl(redisUrl),
      tls: tls !== undefined,
      ice: { stunUrls: ice.stunUrls, turnUrls: ice.turnUrls, turnAuth: ice.turn?.kind ?? 'none' },
      settings: { ...settings, allowedOrigins: settings.allowedOrigins ?? 'any' },
      logLevel: config.logLevel,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
    },
    `Meshpad: ${http}://${shown}:${port}/ (signaling: ${ws}://${shown}:${port}/signaling)`,
  )
} catch (error) {
  log.fatal({ err: error }, 'cannot listen')
  process.exit(1)
}

function shutdown(signal: NodeJS.Signals): void {
  log.info({ signal }, 'shutdown requested')
  setTimeout(() => {
    log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took longer than SHUTDOWN_TIMEOUT_MS, exiting')
    process.exit(1)
  }, config.shutdownTimeoutMs).unref()
  signaling.close().then(
    () => process.exit(0),
    (error: unknown) => {
      log.error({ err: error }, 'shutdown failed')
      process.exit(1)
    },
  )
}

process.once('SIGTERM', shutdown)
process.once('SIGINT', shutdown)
