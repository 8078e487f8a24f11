import { describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { ROOM_TOPIC_PREFIX, roomTopic } from './roomTopic'
import { roomDatabaseName } from '../storage/openRoomDatabase'
import { roomSecretFromHash } from './roomLink'
import { createEditFragment } from './roomAccess'

describe('roomTopic', () => {
  it('is the hex SHA-256 of the versioned prefix and the secret', () => {
    const secret = 'x4Jb9-QmZ0k2_fTgW1aA2w'
    const expected = createHash('sha256').update(`${ROOM_TOPIC_PREFIX}${secret}`).digest('hex')
    expect(roomTopic(secret)).toBe(expected)
    expect(roomTopic(secret)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('is the same for the same secret and differs for another', () => {
    expect(roomTopic('alpha')).toBe(roomTopic('alpha'))
    expect(roomTopic('alpha')).not.toBe(roomTopic('alphb'))
  })

  it('never contains the secret, and neither does the database name', () => {
    // Secrets long enough that a hex digest cannot contain them by chance.
    for (const secret of ['x4Jb9-QmZ0k2_fTgW1aA2w', createEditFragment(), 'deadbeefcafe0123', 'ünïcødé 🔑 secret']) {
      expect(roomTopic(secret)).not.toContain(secret)
      expect(roomDatabaseName(roomTopic(secret))).not.toContain(secret)
    }
  })

  it('hashes non-ASCII secrets as UTF-8', () => {
    const secret = 'ключ🔑'
    expect(roomTopic(secret)).toBe(createHash('sha256').update(`${ROOM_TOPIC_PREFIX}${secret}`, 'utf8').digest('hex'))
  })
})

describe('room links', () => {
  it('accepts any non-empty fragment as a secret', () => {
    expect(roomSecretFromHash('#abc')).toBe('abc')
    expect(roomSecretFromHash('abc')).toBe('abc')
    expect(roomSecretFromHash('#a b%20c')).toBe('a b%20c')
    expect(roomSecretFromHash('#')).toBeNull()
    expect(roomSecretFromHash('')).toBeNull()
  })
})
