/**
 * The always-on peer: `npm run peer -- [--data DIR] [--rooms FILE] LINK…`. It keeps every room it
 * is given (see README, "Always-on peer"): joins it like a browser, stores it in LevelDB, and
 * serves it to whoever comes. Logs are pino JSON lines on stdout; they never contain a secret
 * (a link) or document text.
 */
import { chmod, mkdir, stat } from 'node:fs/promises'
import { pino } from 'pino'
import { LevelStore } from '../src/storage/LevelStore'
import { EXIT, PeerStartError, readPeerOptions, type PeerOptions } from './peerOptions'
import { startPeerHttp } from './peerHttp'
import { peerMetrics } from './peerMetrics'
import { PeerRooms } from './PeerRooms'
import { parseRoomLinks, type LinkSource, type PeerRoom } from './roomLinks'
import { readRoomsFile } from './roomsFile'

/** How long SIGTERM may take to write every room and close. */
export const SHUTDOWN_BOUND_MS = 5_000

const log = pino({ name: 'meshpad-peer', base: { pid: process.pid } })

async function wantedRooms(options: PeerOptions): Promise<PeerRoom[]> {
  const sources: LinkSource[] = options.links.map((link, i) => ({ link, where: `argument ${i + 1}` }))
  if (options.roomsFile !== null) sources.push(...(await readRoomsFile(options.roomsFile)))
  return parseRoomLinks(sources)
}

async function openStore(dir: string): Promise<LevelStore> {
  try {
    // NOTE: the data directory holds every document in the clear: the owner's only.
    const created = await mkdir(dir, { recursive: true, mode: 0o700 })
    if (created !== undefined) await chmod(dir, 0o700)
    else if (((await stat(dir)).mode & 0o077) !== 0) log.warn({ dataDir: dir }, 'the data directory is accessible by others; it holds every document: chmod 700 it')
    return await LevelStore.open(dir)
  } catch (error) {
    throw new PeerStartError(error instanceof Error ? error.message : String(error), EXIT.dataDir)
  }
}

async function start(): Promise<void> {
  const options = readPeerOptions(process.argv.slice(2), process.env)
  const initial = await wantedRooms(options)
  const store = await openStore(options.dataDir)
  const rooms = new PeerRooms(store.openCopy, log)
  await rooms.apply(initial)

  const health = () => {
    const rows = rooms.health()
    const count = (state: string) => rows.filter((row) => row.signaling === state).length
    const storageErrors = rows.filter((row) => row.storage === 'error').map(({ room, storageError }) => ({ room, storageError }))
    return {
      ok: storageErrors.length === 0,
      rooms: rows.length,
      /** Rooms whose stored document is read (the others are still loading). */
      loaded: rows.filter((row) => row.storage !== 'loading').length,
      peers: rooms.connectedPeers(),
      signaling: { connected: count('connected'), connecting: count('connecting'), reconnecting: count('reconnecting'), unreachable: count('unreachable') },
      storageErrors,
      lastWriteAt: rooms.lastWriteAt(),
    }
  }
  const http =
    options.port === null
      ? null
      : await startPeerHttp({
          port: options.port,
          host: process.env.PEER_HOST?.trim() || undefined,
          health,
          metrics: peerMetrics({ rooms: () => rooms.size, connectedPeers: () => rooms.connectedPeers(), storedBytes: () => store.bytesOnDisk(), lastWriteAt: () => rooms.lastWriteAt() }),
        })
  log.info({ rooms: rooms.size, dataDir: options.dataDir, port: http?.port ?? null }, 'ready')

  process.on('SIGHUP', () => {
    void wantedRooms(options).then(
      async (wanted) => log.info({ ...(await rooms.apply(wanted)), rooms: rooms.size }, 'rooms re-read'),
      (error: unknown) => log.error({ error: error instanceof Error ? error.message : String(error) }, 'rooms not re-read; keeping the current ones'),
    )
  })
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'stopping: writing every room')
    setTimeout(() => {
      log.error({ boundMs: SHUTDOWN_BOUND_MS }, 'shutdown did not finish in time')
      process.exit(EXIT.shutdownTimeout)
    }, SHUTDOWN_BOUND_MS).unref()
    void (async () => {
      await http?.close()
      await rooms.close()
      await store.close()
      log.info('stopped')
      process.exit(0)
    })()
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

// NOTE: a peer keeps many rooms: one room's failure (a hostile peer's message, a WebRTC error)
// must not take the others down. Errors are logged by message, which never holds a secret.
process.on('uncaughtException', (error) => log.error({ error: error.message }, 'uncaught error'))
process.on('unhandledRejection', (error) => log.error({ error: error instanceof Error ? error.message : String(error) }, 'unhandled rejection'))

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error)
  const exitCode = error instanceof PeerStartError ? error.exitCode : 1
  log.fatal({ exitCode }, message)
  process.stderr.write(`meshpad-peer: ${message}\n`)
  process.exit(exitCode)
})
