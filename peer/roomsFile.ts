import { readFile, stat } from 'node:fs/promises'
import { EXIT, PeerStartError } from './peerOptions'
import type { LinkSource } from './roomLinks'

/**
 * Reads a rooms file: one link per line; blank lines and lines starting with `#` are ignored.
 * Refuses (like ssh with a private key) a file that group or others may read or write, since
 * each link is the key to a document.
 */
export async function readRoomsFile(path: string): Promise<LinkSource[]> {
  let mode: number
  let text: string
  try {
    mode = (await stat(path)).mode
    text = await readFile(path, 'utf8')
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new PeerStartError(`cannot read the rooms file ${path}: ${reason}`, EXIT.roomsFile)
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0')
    throw new PeerStartError(
      `the rooms file ${path} is accessible by others (mode ${octal}); its links are secrets. Run: chmod 600 ${path}`,
      EXIT.roomsFile,
    )
  }
  const sources: LinkSource[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    const link = line.trim()
    if (link !== '' && !link.startsWith('#')) sources.push({ link, where: `${path} line ${index + 1}` })
  })
  return sources
}
