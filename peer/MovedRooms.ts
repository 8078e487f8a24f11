import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { parseRoomLinks, roomLinkOf, type PeerRoom } from './roomLinks'
import { readRoomsFile, RoomsFileError } from './roomsFile'

/** The file in the data directory that lists the rooms the kept rooms moved to. */
export const MOVED_ROOMS_FILE = 'moved-rooms'

const TOPIC = /^[0-9a-f]{64}$/

/**
 * The rooms that kept rooms moved to (a writer removed someone and sealed the new link to this
 * peer), kept in `DIR/moved-rooms`: one move a line, `FROM_TOPIC LINK`, mode 600 (each link is a
 * secret), read with the rooms file's checks. A moved room is kept for as long as the room it came
 * from is (see {@link following}): the rooms file still lists the old link, and a room dropped
 * from it takes the rooms it moved to along.
 */
export class MovedRooms {
  /** By the new room's topic. */
  private readonly moves = new Map<string, { readonly from: string; readonly room: PeerRoom }>()
  private writing: Promise<void> = Promise.resolve()

  private constructor(readonly path: string) {}

  /** Reads `DIR/moved-rooms` (none yet: no moves). Throws a `RoomsFileError` on a refused or damaged file. */
  static async open(dir: string, uid: number | undefined = process.getuid?.()): Promise<MovedRooms> {
    const moved = new MovedRooms(join(dir, MOVED_ROOMS_FILE))
    for (const { link: line, where } of await readRoomsFile(moved.path, uid, { missingIsEmpty: true })) {
      const [from = '', link = '', ...rest] = line.split(/\s+/)
      if (!TOPIC.test(from) || link === '' || rest.length > 0) throw new RoomsFileError(`${where} is not a move (TOPIC LINK)`, 'not_a_file')
      const [room] = parseRoomLinks([{ link, where }])
      if (room !== undefined) moved.moves.set(room.topic, { from, room })
    }
    return moved
  }

  has(topic: string): boolean {
    return this.moves.has(topic)
  }

  /** The rooms moved from `kept`, and from those (a room can move again), that `kept` does not list. */
  following(kept: readonly PeerRoom[]): PeerRoom[] {
    const topics = new Set(kept.map(({ topic }) => topic))
    const found: PeerRoom[] = []
    for (let grew = true; grew; ) {
      grew = false
      for (const { from, room } of this.moves.values()) {
        if (topics.has(room.topic) || !topics.has(from)) continue
        topics.add(room.topic)
        found.push(room)
        grew = true
      }
    }
    return found
  }

  /** Resolves once every move added so far is written (or failed to be: `add` reported it). */
  written(): Promise<void> {
    return this.writing.catch(() => {})
  }

  /** Records that `from` moved to `room`; resolves once the line is written (fsync). */
  add(from: string, room: PeerRoom): Promise<void> {
    if (this.moves.has(room.topic)) return this.writing
    this.moves.set(room.topic, { from, room })
    const line = `${from} ${roomLinkOf(room.link)}\n`
    this.writing = this.writing.catch(() => {}).then(async () => {
      const handle = await open(this.path, 'a', 0o600)
      try {
        await handle.writeFile(line)
        await handle.sync()
      } finally {
        await handle.close()
      }
    })
    return this.writing
  }
}
