import { open } from 'node:fs/promises'
import { EXIT, PeerStartError } from './peerOptions'
import type { LinkSource } from './roomLinks'

/** Why a rooms file was refused: for messages and the `reason` label of its metric. */
export type RoomsFileRefusal = 'unreadable' | 'mode' | 'owner' | 'not_a_file'

/** A refused rooms file: a {@link PeerStartError} (exit 3 at start) with its reason. */
export class RoomsFileError extends PeerStartError {
  constructor(
    message: string,
    readonly reason: RoomsFileRefusal,
  ) {
    super(message, EXIT.roomsFile)
  }
}

/** How {@link readRoomsFile} reads a file of links other than the rooms file (the moved-rooms file). */
export interface RoomsFileReading {
  /** A file that does not exist holds no link (default: refused as unreadable). */
  readonly missingIsEmpty?: boolean
}

/** Largest rooms file read (about 10,000 links); past it the file is refused as not a rooms file. */
const MAX_ROOMS_FILE_BYTES = 4 * 1024 * 1024

/**
 * Reads a rooms file: one link per line; blank lines and lines starting with `#` are ignored.
 * Refuses (like ssh with a private key) a file that group or others may read or write, or that
 * another user owns, since each link is the key to a document.
 *
 * The file is opened once and everything is checked on the open descriptor (`fstat`), then
 * read from it: checking a path and reading it again would let the file be swapped in between.
 * `uid` is the process's (`process.getuid()`); on a system without uids the owner is not checked.
 */
export async function readRoomsFile(path: string, uid: number | undefined = process.getuid?.(), options: RoomsFileReading = {}): Promise<LinkSource[]> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if (options.missingIsEmpty === true && (error as NodeJS.ErrnoException).code === 'ENOENT') return []
    const reason = error instanceof Error ? error.message : String(error)
    throw new RoomsFileError(`cannot read the rooms file ${path}: ${reason}`, 'unreadable')
  }
  let text: string
  try {
    const stats = await handle.stat()
    if (!stats.isFile() || stats.size > MAX_ROOMS_FILE_BYTES) throw new RoomsFileError(`the rooms file ${path} is not a file of links (a regular file up to 4 MiB)`, 'not_a_file')
    if ((stats.mode & 0o077) !== 0) {
      const octal = (stats.mode & 0o777).toString(8).padStart(4, '0')
      throw new RoomsFileError(`the rooms file ${path} is accessible by others (mode ${octal}); its links are secrets. Run: chmod 600 ${path}`, 'mode')
    }
    if (uid !== undefined && stats.uid !== uid) {
      throw new RoomsFileError(`the rooms file ${path} is owned by uid ${stats.uid}, not by this process (uid ${uid}); its links are secrets. Run: chown ${uid} ${path}`, 'owner')
    }
    text = await handle.readFile('utf8')
  } catch (error) {
    if (error instanceof RoomsFileError) throw error
    const reason = error instanceof Error ? error.message : String(error)
    throw new RoomsFileError(`cannot read the rooms file ${path}: ${reason}`, 'unreadable')
  } finally {
    await handle.close()
  }
  return linesOf(text, path)
}

/** The links of a text of one link per line, each named by `where` and its line number. */
export function linesOf(text: string, where: string): LinkSource[] {
  const sources: LinkSource[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    const link = line.trim()
    if (link !== '' && !link.startsWith('#')) sources.push({ link, where: `${where} line ${index + 1}` })
  })
  return sources
}
