import type { RoomShard } from './roomShard'

/** Exit codes of `npm run peer`, so a service manager can tell what went wrong. */
export const EXIT = {
  /** A bad argument or a malformed room link. */
  usage: 2,
  /** The rooms file is readable by others, or unreadable. */
  roomsFile: 3,
  /** The data directory cannot be opened (unwritable, corrupt, locked by another peer). */
  dataDir: 4,
  /** Shutdown did not finish within its bound. */
  shutdownTimeout: 5,
  /** The device identity file is accessible by others, owned by another user, or malformed. */
  deviceIdentity: 6,
} as const

/** A problem with how the peer was started: its message is for the person starting it. */
export class PeerStartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message)
  }
}

/** How the peer was started. */
export interface PeerOptions {
  readonly dataDir: string
  readonly roomsFile: string | null
  /** Read room links from standard input (until it ends) at start. */
  readonly stdin: boolean
  /**
   * Room links from the command line, in order. Every local user sees them in `ps`: for
   * tests and local use only (the peer warns on stderr); use the rooms file or standard input.
   */
  readonly links: readonly string[]
  /** The HTTP port of `/healthz` and `/metrics`, or null for none. */
  readonly port: number | null
  /** Keep only this share of the rooms given (see `inShard`); null: all of them. */
  readonly shard: RoomShard | null
}

export const USAGE = 'usage: npm run peer -- [--data DIR] [--rooms FILE] [--stdin] [--shard I/N] [LINK…]'

export const DEFAULT_DATA_DIR = './meshpad-peer-data'

/**
 * Reads the command line (`[--data DIR] [--rooms FILE] [--stdin] [--shard I/N] [LINK…]`, `--opt=value`
 * too) and the environment (`PEER_DATA_DIR`, `PEER_PORT`). Throws {@link PeerStartError} on anything unknown.
 */
export function readPeerOptions(argv: readonly string[], env: NodeJS.ProcessEnv): PeerOptions {
  let dataDir = env.PEER_DATA_DIR?.trim() || DEFAULT_DATA_DIR
  let roomsFile: string | null = null
  let stdin = false
  let shard: RoomShard | null = null
  const links: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const [flag, inline] = arg.startsWith('--') ? splitFlag(arg) : [null, null]
    if (flag === null) {
      links.push(arg)
      continue
    }
    if (flag === '--stdin' && inline === null) {
      stdin = true
      continue
    }
    const value = inline ?? argv[++i]
    if (value === undefined || value === '') throw new PeerStartError(`${flag} needs a value\n${USAGE}`, EXIT.usage)
    if (flag === '--data') dataDir = value
    else if (flag === '--rooms') roomsFile = value
    else if (flag === '--shard') shard = parseShard(value)
    else throw new PeerStartError(`unknown option ${flag}\n${USAGE}`, EXIT.usage)
  }
  if (links.length === 0 && roomsFile === null && !stdin) throw new PeerStartError(`no room to keep: give --rooms FILE or --stdin\n${USAGE}`, EXIT.usage)
  return { dataDir, roomsFile, stdin, links, port: readPort(env.PEER_PORT), shard }
}

function splitFlag(arg: string): [string, string | null] {
  const at = arg.indexOf('=')
  return at === -1 ? [arg, null] : [arg.slice(0, at), arg.slice(at + 1)]
}

function readPort(raw: string | undefined): number | null {
  if (raw === undefined || raw.trim() === '') return null
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new PeerStartError(`PEER_PORT must be a port number (0–65535), got ${JSON.stringify(raw)}`, EXIT.usage)
  }
  return port
}

/** Reads `--shard I/N` (0 ≤ I < N ≤ 1024); throws {@link PeerStartError} (usage) otherwise. */
export function parseShard(value: string): RoomShard {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(value.trim())
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (match === null || count < 1 || count > 1024 || index >= count) {
    throw new PeerStartError(`--shard must be I/N with 0 ≤ I < N ≤ 1024 (e.g. 0/2), got ${JSON.stringify(value)}`, EXIT.usage)
  }
  return { index, count }
}
