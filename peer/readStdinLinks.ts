import type { Readable } from 'node:stream'
import { EXIT, PeerStartError } from './peerOptions'
import type { LinkSource } from './roomLinks'
import { linesOf } from './roomsFile'

/** Largest input read from standard input. */
const MAX_STDIN_BYTES = 4 * 1024 * 1024

/**
 * Reads room links from `input` (standard input) until it ends: one link per line, like a rooms
 * file. For a service manager or a secret store that pipes the links in (`secret-tool lookup … |
 * npm run peer -- --stdin`): they never appear in `ps` or in a file. Read once, at start: a
 * SIGHUP re-reads only the rooms file, and keeps the rooms given here.
 */
export async function readStdinLinks(input: Readable): Promise<LinkSource[]> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of input) {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
    size += bytes.length
    if (size > MAX_STDIN_BYTES) throw new PeerStartError('standard input holds more than 4 MiB: not a list of links', EXIT.usage)
    chunks.push(bytes)
  }
  return linesOf(Buffer.concat(chunks).toString('utf8'), 'standard input')
}
