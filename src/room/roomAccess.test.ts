import { describe, expect, it } from 'vitest'
import { createHash, hkdfSync } from 'node:crypto'
import { fromBase64UrlEncoded } from 'lib0/buffer'
import { hkdfSha256 } from './hkdfSha256'
import {
  DERIVATION,
  accessPassword,
  accessTopic,
  createEditFragment,
  commentSeedOf,
  editSeedOf,
  isDamagedV2Link,
  parseRoomAccess,
  roomKeyOf,
  type RoomAccess,
} from './roomAccess'
import { roomSigning, verifyKey as verifyKeyOf } from './roomSigning'
import { roomTopic } from './roomTopic'
import { signComment, signUpdate, verifyUpdate, decodeSignedSync } from '../network/signed/signedSyncMessage'

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url')

function editAccess(fragment: string): Extract<RoomAccess, { root: Uint8Array }> {
  const access = parseRoomAccess(fragment)
  if (access.version !== 2 || !access.canEdit) throw new Error('expected a v2 edit link')
  return access
}

async function readFragmentOf(editFragment: string): Promise<string> {
  const signing = roomSigning(parseRoomAccess(editFragment))
  if (signing === null) throw new Error('expected a v2 room')
  return signing.readFragment
}

describe('hkdfSha256', () => {
  it('matches RFC 5869 test case 1', () => {
    const ikm = new Uint8Array(22).fill(0x0b)
    const salt = Uint8Array.from(Buffer.from('000102030405060708090a0b0c', 'hex'))
    const info = Uint8Array.from(Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex'))
    expect(hex(hkdfSha256(ikm, salt, info, 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    )
  })

  it("matches Node's HKDF for keys longer than a block and many lengths", () => {
    for (const length of [1, 31, 32, 33, 64, 100]) {
      const ikm = utf8(`key ${length} `.repeat(20))
      const expected = new Uint8Array(hkdfSync('sha256', ikm, utf8('salt'), utf8('info'), length))
      expect(hex(hkdfSha256(ikm, utf8('salt'), utf8('info'), length))).toBe(hex(expected))
    }
  })
})

describe('room links', () => {
  it('creates v2 edit links from 32 random bytes, all different', () => {
    const fragments = new Set(Array.from({ length: 100 }, () => createEditFragment()))
    expect(fragments.size).toBe(100)
    for (const fragment of fragments) {
      expect(fragment).toMatch(/^e1\.[A-Za-z0-9_-]{43}$/)
      expect(parseRoomAccess(fragment)).toMatchObject({ version: 2, canEdit: true })
    }
  })

  it('derives with domain-separated, versioned HKDF labels', () => {
    const access = editAccess(createEditFragment())
    const salt = utf8('meshpad/v2')
    const node = (ikm: Uint8Array, info: string): Uint8Array => new Uint8Array(hkdfSync('sha256', ikm, salt, utf8(info), 32))
    expect(hex(roomKeyOf(access.root))).toBe(hex(node(access.root, 'meshpad/v2/room-key')))
    expect(hex(editSeedOf(access.root))).toBe(hex(node(access.root, 'meshpad/v2/edit-seed')))
    expect(accessTopic(access)).toBe(hex(node(access.roomKey, 'meshpad/v2/topic')))
    expect(accessPassword(access)).toBe(b64url(node(access.roomKey, 'meshpad/v2/password')))
    expect(hex(commentSeedOf(access.root))).toBe(hex(node(access.root, 'meshpad/v2/comment-seed')))
    expect(Object.values(DERIVATION).filter((label) => label !== DERIVATION.salt)).toHaveLength(5)
    // Every derivation is distinct from every other.
    const outputs = [roomKeyOf(access.root), editSeedOf(access.root), commentSeedOf(access.root), node(access.roomKey, 'meshpad/v2/topic')].map(hex)
    expect(new Set(outputs).size).toBe(4)
  })

  it('gives both links of one room the same topic and password, and other rooms others', async () => {
    const edit = createEditFragment()
    const read = await readFragmentOf(edit)
    expect(read).toMatch(/^r1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/)
    expect(roomTopic(read)).toBe(roomTopic(edit))
    expect(accessPassword(parseRoomAccess(read))).toBe(accessPassword(parseRoomAccess(edit)))
    expect(roomTopic(createEditFragment())).not.toBe(roomTopic(edit))
    expect(roomTopic(edit)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('puts neither the root secret nor the edit seed in the read-only link, which cannot sign', async () => {
    for (let i = 0; i < 20; i++) {
      const edit = createEditFragment()
      const access = editAccess(edit)
      const read = await readFragmentOf(edit)
      const readAccess = parseRoomAccess(read)
      expect(readAccess).toMatchObject({ version: 2, canEdit: false })
      expect(read).not.toContain(b64url(access.root))
      expect(read).not.toContain(b64url(editSeedOf(access.root)))
      const carried = read.slice(3).split('.').map((part) => hex(fromBase64UrlEncoded(part)))
      expect(carried).not.toContain(hex(access.root))
      expect(carried).not.toContain(hex(editSeedOf(access.root)))
      expect(roomSigning(readAccess)?.signingKey).toBeNull()
      expect(await roomSigning(parseRoomAccess(read))?.readFragment).toBe(read)
    }
  })

  it("verifies the edit link's signatures with the read-only link's key", async () => {
    const edit = createEditFragment()
    const writer = roomSigning(parseRoomAccess(edit))
    const reader = roomSigning(parseRoomAccess(await readFragmentOf(edit)))
    if (writer?.signingKey == null || reader === null) throw new Error('expected v2 keys')
    const message = decodeSignedSync(await signUpdate(await writer.signingKey, 'topic', Uint8Array.of(0, 0)))
    if (message?.kind !== 'update') throw new Error('expected an update')
    expect(await verifyUpdate(await reader.verifyKey, 'topic', message)).toBe(true)
    const other = roomSigning(parseRoomAccess(createEditFragment()))
    expect(await verifyUpdate(await (other as NonNullable<typeof other>).verifyKey, 'topic', message)).toBe(false)
  })

  it('makes a comment link that reads like the read-only link and signs comments, never edits', async () => {
    const edit = createEditFragment()
    const writer = roomSigning(parseRoomAccess(edit))
    const fragment = await writer?.commentFragment
    if (writer == null || fragment == null) throw new Error('expected v2 keys')
    expect(fragment).toMatch(/^c1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/)
    const access = parseRoomAccess(fragment)
    expect(access).toMatchObject({ version: 2, canEdit: false })
    expect(roomTopic(fragment)).toBe(roomTopic(edit))
    expect(fragment).not.toContain(b64url(editAccess(edit).root))
    expect(fragment).not.toContain(b64url(editSeedOf(editAccess(edit).root)))
    const commenter = roomSigning(access)
    expect(commenter?.signingKey).toBeNull()
    expect(commenter?.commentFragment).toBeNull()
    expect(await commenter?.readFragment).toBe(await writer.readFragment)
    const signed = decodeSignedSync(await signComment(await commenter!.commentSigning!.privateKey, 'topic', Uint8Array.of(0, 0)))
    if (signed?.kind !== 'comment') throw new Error('expected a comment')
    // The comment key's signature holds as a comment, never as an edit.
    expect(await verifyUpdate(await verifyKeyOf(await writer.commentSigning!.publicKey), 'topic', signed)).toBe(true)
    expect(await verifyUpdate(await writer.verifyKey, 'topic', { ...signed, kind: 'update' })).toBe(false)
    expect(await verifyUpdate(await verifyKeyOf(await writer.commentSigning!.publicKey), 'topic', { ...signed, kind: 'update' })).toBe(false)
    // A read-only link comments not.
    expect(roomSigning(parseRoomAccess(await writer.readFragment))?.commentSigning).toBeNull()
    // Damaged comment links open nothing.
    for (const damaged of [fragment.slice(0, -1), `${fragment}.x`, fragment.replace('c1.', 'c1..')]) {
      expect(isDamagedV2Link(damaged)).toBe(true)
    }
  })

  it('opens every other fragment as a v1 edit link, exactly as before', () => {
    for (const secret of ['x4Jb9-QmZ0k2_fTgW1aA2w', 'abc', 'e1.short', 'r1.a.b', `e1.${'A'.repeat(42)}`, `r1.${'A'.repeat(43)}`]) {
      const access = parseRoomAccess(secret)
      expect(access).toEqual({ version: 1, canEdit: true, secret })
      expect(roomTopic(secret)).toBe(createHash('sha256').update(`meshpad/v1/room/${secret}`).digest('hex'))
      expect(accessPassword(access)).toBe(secret)
      expect(roomSigning(access)).toBeNull()
    }
  })

  it('accepts only the canonical encoding of a key', () => {
    // The 43rd character holds 4 bits of the key and 2 spare bits; a link with spare bits set
    // would be a second spelling of one key.
    const edit = createEditFragment()
    const last = edit.at(-1) as string
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const spare = alphabet[alphabet.indexOf(last) ^ 1] as string
    expect(parseRoomAccess(edit.slice(0, -1) + spare).version).toBe(1)
  })
})
