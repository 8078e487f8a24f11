import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_DATA_DIR, EXIT, readPeerOptions } from './peerOptions'
import { parseRoomLinks, redactLink } from './roomLinks'
import { readRoomsFile } from './roomsFile'

describe('readPeerOptions', () => {
  it('reads flags, links and the environment', () => {
    expect(readPeerOptions(['--data', 'd', '--rooms=r', 'https://a/#x'], { PEER_PORT: '9464' })).toEqual({ dataDir: 'd', roomsFile: 'r', stdin: false, links: ['https://a/#x'], port: 9464, shard: null })
    expect(readPeerOptions(['--shard', '1/2', 'https://a/#x'], {}).shard).toEqual({ index: 1, count: 2 })
    expect(readPeerOptions(['https://a/#x'], { PEER_DATA_DIR: '/var/lib/p' })).toMatchObject({ dataDir: '/var/lib/p', port: null })
    expect(readPeerOptions(['https://a/#x'], {}).dataDir).toBe(DEFAULT_DATA_DIR)
  })

  it('refuses what it does not know, with the usage', () => {
    for (const [argv, env] of [[['--nope', 'x', 'https://a/#x'], {}], [['--data'], {}], [[], {}], [['https://a/#x'], { PEER_PORT: 'http' }], [['--shard=2/2', 'https://a/#x'], {}], [['--shard', 'half', 'https://a/#x'], {}]] as const) {
      expect(() => readPeerOptions(argv, env)).toThrow(expect.objectContaining({ exitCode: EXIT.usage }))
    }
  })
})

describe('parseRoomLinks', () => {
  it('keeps each room once, labelled by origin and topic, never by secret', () => {
    const rooms = parseRoomLinks([
      { link: 'https://pad.example/#s3cret', where: 'argument 1' },
      { link: 'https://pad.example/#s3cret', where: 'argument 2' },
      { link: 'https://pad.example/?signaling=wss://sig.example/signaling#other', where: 'argument 3' },
    ])
    expect(rooms).toHaveLength(2)
    expect(rooms[1]?.link.signaling).toEqual(['wss://sig.example/signaling'])
    expect(rooms[0]?.link.signaling).toEqual(['wss://pad.example/signaling'])
    for (const room of rooms) expect(room.label).not.toMatch(/s3cret|other/)
  })

  it('names a bad link by where it came from and its origin only', () => {
    expect(() => parseRoomLinks([{ link: 'mailto:x#s3cret', where: 'rooms line 4' }])).toThrow(/^bad room link \(rooms line 4, .*\): not a room link/)
    expect(() => parseRoomLinks([{ link: 'https://pad.example/', where: 'argument 1' }])).toThrow('has no #SECRET')
    expect(redactLink('https://pad.example/x?y=1#s3cret')).toBe('https://pad.example/#…')
    expect(redactLink('s3cret')).toBe('(not a URL)')
  })
})

describe('readRoomsFile', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshpad-rooms-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('reads one link per line, skipping blanks and comments', async () => {
    const path = join(dir, 'rooms')
    await writeFile(path, '# mine\n\nhttps://a/#one\r\n  https://a/#two  \n', { mode: 0o600 })
    expect(await readRoomsFile(path)).toEqual([
      { link: 'https://a/#one', where: `${path} line 3` },
      { link: 'https://a/#two', where: `${path} line 4` },
    ])
  })

  it('refuses a file others may read, and a missing one', async () => {
    const path = join(dir, 'rooms')
    await writeFile(path, 'https://a/#one\n')
    await chmod(path, 0o640)
    await expect(readRoomsFile(path)).rejects.toMatchObject({ exitCode: EXIT.roomsFile, message: expect.stringContaining('mode 0640') })
    await expect(readRoomsFile(join(dir, 'missing'))).rejects.toMatchObject({ exitCode: EXIT.roomsFile })
  })
})
