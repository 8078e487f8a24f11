/**
 * The always-on peer: `npm run peer -- [--data DIR] [--rooms FILE] [--stdin] [LINK…]`. It keeps
 * every room it is given (see docs/always-on-peer.md): joins it like a browser, stores it in
 * LevelDB, and serves it to whoever comes. Logs are pino JSON lines on stdout; they never contain a
 * secret (a link) or document text, and errors a stranger can cause are rate-limited and counted.
 */
import { chmod, mkdir, stat } from 'node:fs/promises'
import { pino } from 'pino'
import { Registry } from 'prom-client'
import { LevelStore } from '../src/storage/LevelStore'
import { readOrCreateDeviceIdentity } from './deviceIdentityFile'
import { MovedRooms } from './MovedRooms'
import { EXIT, PeerStartError, readPeerOptions, type PeerOptions } from './peerOptions'
import { startPeerHttp } from './peerHttp'
import { peerMetrics } from './peerMetrics'
import { PeerRooms } from './PeerRooms'
import { capLevelLog } from './capLevelLog'
import { PeerCounters } from './peerCounters'
import { RateLimitedLog } from './RateLimitedLog'
import { readStdinLinks } from './readStdinLinks'
import { parseRoomLinks, type LinkSource, type PeerRoom } from './roomLinks'
import { readRoomsFile, RoomsFileError } from './roomsFile'
import { inShard } from './roomShard'

/** How long SIGTERM may take to write every room and close. */
export const SHUTDOWN_BOUND_MS = 5_000

/** How often LevelDB's `LOG` is checked against its cap. */
const LEVEL_LOG_CHECK_MS = 10 * 60_000
const ARGV_WARNING =
  'meshpad-peer: warning: room links given as arguments are visible to every user of this machine (ps, /proc/PID/cmdline); ' +
  'for anything but a test, put them in a rooms file (--rooms FILE, chmod 600) or pipe them to --stdin\n'

const log = pino({ name: 'meshpad-peer', base: { pid: process.pid } })
const countersRegistry = new Registry()
const counters = new PeerCounters(countersRegistry)
const edgeLog = new RateLimitedLog(log, (kind, suppressed) => counters.error(kind, suppressed))

/** The rooms of the links given at start (arguments, standard input) and of the rooms file now. */
async function wantedRooms(options: PeerOptions, given: readonly LinkSource[]): Promise<PeerRoom[]> {
  const sources = [...given]
  if (options.roomsFile !== null) {
    try {
      sources.push(...(await readRoomsFile(options.roomsFile)))
    } catch (error) {
      if (error instanceof RoomsFileError) counters.roomsFileRefusal(error.reason)
      throw error
    }
  }
  return parseRoomLinks(sources).filter((room) => inShard(room.topic, options.shard))
}

async function openStore(dir: string): Promise<LevelStore> {
  try {
    // The data directory holds every document in the clear: the owner's only.
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
  if (options.links.length > 0) process.stderr.write(ARGV_WARNING)
  const given: LinkSource[] = options.links.map((link, i) => ({ link, where: `argument ${i + 1}` }))
  if (options.stdin) given.push(...(await readStdinLinks(process.stdin)))
  const initial = await wantedRooms(options, given)
  const store = await openStore(options.dataDir)
  const trimLevelLog = (): void => {
    capLevelLog(options.dataDir).then(
      (trimmed) => trimmed && counters.levelLogTrimmed(),
      (error: unknown) => log.warn({ error: error instanceof Error ? error.message : String(error) }, 'cannot trim the LevelDB LOG'),
    )
  }
  trimLevelLog()
  setInterval(trimLevelLog, LEVEL_LOG_CHECK_MS).unref()
  // NOTE: after the store, whose lock keeps a second peer out of this data directory.
  const device = await readOrCreateDeviceIdentity(options.dataDir)
  const moves = await MovedRooms.open(options.dataDir).catch((error: unknown) => {
    if (error instanceof RoomsFileError) counters.roomsFileRefusal(error.reason)
    throw error
  })
  // The rooms the kept rooms moved to join them in every `apply` (see `MovedRooms.following`).
  const rooms = new PeerRooms(store.openCopy, log, { device: Promise.resolve(device), moves })
  await rooms.apply(initial)

  const health = () => {
    const rows = rooms.health()
    const count = (state: string) => rows.filter((row) => row.signaling === state).length
    const storageErrors = rows.filter((row) => row.storage === 'error').map(({ room, storageError }) => ({ room, storageError }))
    return {
      ok: storageErrors.length === 0,
      rooms: rows.length,
      /** Rooms not still loading: asleep (the document waits in LevelDB) or awake with it read. */
      loaded: rows.filter((row) => row.storage !== 'loading').length,
      /** Rooms with an open session (waking included), and rooms waiting to wake past the bounds. */
      awake: rooms.awake,
      waitingToWake: rooms.waitingToWake,
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
          metrics: Registry.merge([
            peerMetrics({ rooms: () => rooms.size, awakeRooms: () => rooms.awake, connectedPeers: () => rooms.connectedPeers(), storedBytes: () => store.bytesOnDisk(), lastWriteAt: () => rooms.lastWriteAt() }),
            countersRegistry,
          ]),
        })
  log.info({ rooms: rooms.size, dataDir: options.dataDir, port: http?.port ?? null }, 'ready')

  process.on('SIGHUP', () => {
    void wantedRooms(options, given).then(
      async (wanted) => log.info({ ...(await rooms.apply(wanted)), rooms: rooms.size }, 'rooms re-read'),
      (error: unknown) => edgeLog.write('error', 'rooms_file', { error: error instanceof Error ? error.message : String(error) }, 'rooms not re-read; keeping the current ones'),
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

// A peer keeps many rooms: one room's failure (a hostile peer's message, a WebRTC error)
// must not take the others down. Errors are logged by message, which never holds a secret, and
// rate-limited: whoever can send the peer malformed input at will must not fill its disk.
process.on('uncaughtException', (error) => edgeLog.write('error', 'uncaught', { error: error.message }, 'uncaught error'))
process.on('unhandledRejection', (error) => edgeLog.write('error', 'unhandled_rejection', { error: error instanceof Error ? error.message : String(error) }, 'unhandled rejection'))

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error)
  const exitCode = error instanceof PeerStartError ? error.exitCode : 1
  log.fatal({ exitCode }, message)
  process.stderr.write(`meshpad-peer: ${message}\n`)
  process.exit(exitCode)
})
