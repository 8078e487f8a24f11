import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseRoomLink } from '../src/room/parseRoomLink'
import { createEditFragment } from '../src/room/roomAccess'
import { MOVED_ROOMS_FILE, MovedRooms } from './MovedRooms'
import { movedRoom, parseRoomLinks, roomLinkOf, type PeerRoom } from './roomLinks'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshpad-moved-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const room = (link: string): PeerRoom => parseRoomLinks([{ link, where: 'test' }])[0]!

describe('roomLinkOf', () => {
  it('gives a link that parses back to the same room, with its signaling servers only when they are not the origin’s own', () => {
    for (const link of ['https://pad.example/#v1-secret', `https://pad.example/?signaling=wss://a.example/s,wss://b.example/s#${createEditFragment()}`, `http://127.0.0.1:9/#${createEditFragment()}`]) {
      const parsed = parseRoomLink(link)
      expect(parseRoomLink(roomLinkOf(parsed))).toEqual(parsed)
    }
    expect(roomLinkOf(parseRoomLink('https://pad.example/#x'))).toBe('https://pad.example/#x')
  })
})

describe('MovedRooms', () => {
  it('keeps a moved room while the room it came from is kept (chains too), in a file of mode 600 read back at the next start', async () => {
    const a = room(`https://pad.example/?signaling=wss://sig.example/s#${createEditFragment()}`)
    const b = movedRoom(a, createEditFragment())
    const c = movedRoom(b, createEditFragment())
    expect(b.link.signaling).toEqual(['wss://sig.example/s'])
    expect(b.link.origin).toBe('https://pad.example')

    const moves = await MovedRooms.open(dir)
    expect(moves.following([a])).toEqual([])
    await moves.add(a.topic, b)
    await moves.add(b.topic, c)
    await moves.add(b.topic, c)
    expect(moves.following([a]).map(({ topic }) => topic)).toEqual([b.topic, c.topic])
    expect(moves.following([a, b]).map(({ topic }) => topic)).toEqual([c.topic])
    expect(moves.following([room('https://pad.example/#another')])).toEqual([])

    const path = join(dir, MOVED_ROOMS_FILE)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await readFile(path, 'utf8')).trim().split('\n')).toHaveLength(2)
    const reread = await MovedRooms.open(dir)
    expect(reread.following([a])).toEqual([b, c])
  })
})
