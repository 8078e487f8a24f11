// @vitest-environment node
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness'
import { waitFor } from '../../signaling/testing/conditions'
import { fromBase64Url, toBase64Url } from '../room/base64Url'
import { accessTopic, createEditFragment, parseRoomAccess } from '../room/roomAccess'
import { roomSigning, type RoomSigning } from '../room/roomSigning'
import { sealTo } from '../presence/sealingKey'
import { memoryDeviceIdentity, type DeviceIdentity } from '../presence/storedDeviceIdentity'
import { buildMoveRecord } from './buildMoveRecord'
import { DEVICE_FIELD, signDevicePresence, verifyDeviceHere, verifyDevicePresence, type DeviceRole } from './devicePresence'
import { DEVICES_MAP, MAX_DEVICES, readDevices, recordDevice } from './deviceRegistry'
import { DeviceRoster } from './DeviceRoster'
import { MOVE_LIMITS, MOVES_ARRAY, moveRecordId, parseMoveRecord, roomCommitment, sealContext, signMoveRecord, verifyMoveRecord, type MoveRecord } from './moveRecord'
import { RoomMover } from './RoomMover'

const text = (value: string): Uint8Array => new TextEncoder().encode(value)

interface Room {
  readonly link: string
  readonly topic: string
  readonly signing: RoomSigning
  readonly signingKey: CryptoKey
  readonly verifyKey: CryptoKey
}

async function newRoom(): Promise<Room> {
  const link = createEditFragment()
  const access = parseRoomAccess(link)
  const signing = roomSigning(access) as RoomSigning
  return { link, topic: accessTopic(access), signing, signingKey: await (signing.signingKey as Promise<CryptoKey>), verifyKey: await signing.verifyKey }
}

const device = (identity: DeviceIdentity, role: DeviceRole, name: string): { sign: string; seal: string; role: DeviceRole; name: string } => ({
  sign: toBase64Url(identity.signing.publicKey),
  seal: toBase64Url(identity.sealing.publicKey),
  role,
  name,
})

function moverFor(doc: Y.Doc, room: Room, identity: DeviceIdentity): RoomMover {
  return new RoomMover({ doc, topic: room.topic, verifyKey: Promise.resolve(room.verifyKey), identity: Promise.resolve(identity), settleMs: 20 })
}

describe('sealing to a device', () => {
  it('opens only with the device key and the context it was sealed for', async () => {
    const bob = await memoryDeviceIdentity()
    const eve = await memoryDeviceIdentity()
    const box = await sealTo(bob.sealing.publicKey, text('e1.secret'), 'context')
    expect(new TextDecoder().decode((await bob.sealing.open(box, 'context')) as Uint8Array)).toBe('e1.secret')
    expect(await eve.sealing.open(box, 'context')).toBeNull()
    expect(await bob.sealing.open(box, 'another context')).toBeNull()
    expect(await bob.sealing.open(box.slice(0, 60), 'context')).toBeNull()
    const flipped = box.slice()
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] as number) ^ 1
    expect(await bob.sealing.open(flipped, 'context')).toBeNull()
    await expect(sealTo(new Uint8Array(65), text('x'), 'context')).rejects.toThrow()
  })
})

describe('device presence', () => {
  it('verifies a writer, a commenter and a reader; a reader cannot claim a role it cannot prove', async () => {
    const room = await newRoom()
    const identity = await memoryDeviceIdentity()
    const commentKey = await (room.signing.commentSigning?.privateKey as Promise<CryptoKey>)
    const commentVerify = await crypto.subtle.importKey('raw', new Uint8Array(await (room.signing.commentSigning?.publicKey as Promise<Uint8Array>)), 'Ed25519', false, ['verify'])
    const keys = { edit: room.verifyKey, comment: commentVerify }
    const writer = await signDevicePresence(identity, room.topic, 7, 'edit', room.signingKey)
    expect(await verifyDevicePresence(writer, room.topic, 7, keys)).toMatchObject({ role: 'edit', sign: writer.sign })
    expect(await verifyDevicePresence(await signDevicePresence(identity, room.topic, 7, 'comment', commentKey), room.topic, 7, keys)).toMatchObject({ role: 'comment' })
    expect(await verifyDevicePresence(await signDevicePresence(identity, room.topic, 7, 'read', null), room.topic, 7, keys)).toMatchObject({ role: 'read' })
    // A reader's claim of the edit role: no proof, or a proof with the comment key.
    expect(await verifyDevicePresence({ ...writer, proof: undefined }, room.topic, 7, keys)).toBeNull()
    expect(await verifyDevicePresence(await signDevicePresence(identity, room.topic, 7, 'edit', commentKey), room.topic, 7, keys)).toBeNull()
    // Another presence client id, another room, someone else's keys, malformed fields.
    expect(await verifyDevicePresence(writer, room.topic, 8, keys)).toBeNull()
    expect(await verifyDevicePresence(writer, 'f'.repeat(64), 7, keys)).toBeNull()
    const other = await memoryDeviceIdentity()
    expect(await verifyDevicePresence({ ...writer, seal: toBase64Url(other.sealing.publicKey) }, room.topic, 7, keys)).toBeNull()
    for (const bad of [null, 1, 'x', {}, { ...writer, role: 'owner' }, { ...writer, sig: 'A'.repeat(86) }, { ...writer, seal: 'A'.repeat(87) }]) {
      expect(await verifyDevicePresence(bad, room.topic, 7, keys)).toBeNull()
    }
  })
})

describe('device map', () => {
  it('records new and changed devices, refreshes rarely, and stops at its bound', async () => {
    const doc = new Y.Doc()
    const entry = { ...device(await memoryDeviceIdentity(), 'read', 'Rita'), seen: 1000, alwaysOn: false }
    expect(recordDevice(doc, entry)).toBe(true)
    expect(recordDevice(doc, { ...entry, seen: 2000 })).toBe(false)
    expect(recordDevice(doc, { ...entry, name: 'Rita B', seen: 2000 })).toBe(true)
    expect(readDevices(doc)).toEqual([{ ...entry, name: 'Rita B', seen: 2000 }])
    doc.getMap(DEVICES_MAP).set('junk', { seal: 1 })
    expect(readDevices(doc)).toHaveLength(1)
    for (let i = doc.getMap(DEVICES_MAP).size; i < MAX_DEVICES; i++) doc.getMap(DEVICES_MAP).set(`k${i}`, {})
    expect(recordDevice(doc, { ...entry, sign: 'B'.repeat(43) })).toBe(false)
  })
})

describe('move records', () => {
  it('a kept writer gets the edit link, a kept reader the read link, a removed person nothing', async () => {
    const room = await newRoom()
    const [alice, bob, rita, carol] = await Promise.all([memoryDeviceIdentity(), memoryDeviceIdentity(), memoryDeviceIdentity(), memoryDeviceIdentity()])
    const { record, editLink } = await buildMoveRecord({
      from: room.topic,
      signingKey: room.signingKey,
      by: { device: device(alice, 'edit', 'Alice').sign, name: 'Alice' },
      keep: [device(alice, 'edit', 'Alice'), device(bob, 'edit', 'Bob'), device(rita, 'read', 'Rita')],
      removed: [{ device: device(carol, 'edit', 'Carol').sign, name: 'Carol' }],
    })
    expect(parseMoveRecord(JSON.parse(JSON.stringify(record)))).toEqual(record)
    expect(await verifyMoveRecord(room.verifyKey, record)).toBe(true)
    const doc = new Y.Doc()
    doc.getArray(MOVES_ARRAY).push([record])
    const outcomes = [alice, bob, rita, carol].map((identity) => moverFor(doc, room, identity))
    await waitFor(() => outcomes.every((mover) => mover.state.kind !== 'none'), 5000)
    const [a, b, r, c] = outcomes.map((mover) => mover.state)
    expect(a).toMatchObject({ kind: 'moved', link: editLink, by: 'Alice', removed: ['Carol'] })
    expect(b).toMatchObject({ kind: 'moved', link: editLink })
    expect(r?.kind === 'moved' && parseRoomAccess(r.link).canEdit).toBe(false)
    expect(r?.kind === 'moved' && roomCommitment(accessTopic(parseRoomAccess(r.link)))).toBe(record.to)
    // The record names no room a removed person could look for: only a commitment to it.
    expect(JSON.stringify(record)).not.toContain(accessTopic(parseRoomAccess(editLink)))
    expect(c).toMatchObject({ kind: 'removed', by: 'Alice' })
    // Carol, with every key she had (old edit key, her device key), has no box and cannot open another's.
    for (const { box } of record.sealed) expect(await carol.sealing.open(fromBase64Url(box) as Uint8Array, sealContext(record.from, record.to, device(carol, 'edit', '').sign))).toBeNull()
    for (const mover of outcomes) mover.destroy()
  })

  it('ignores and counts forged, tampered, foreign and malformed records, and a box that opens another room', async () => {
    const room = await newRoom()
    const stranger = await newRoom()
    const bob = await memoryDeviceIdentity()
    const keep = [device(bob, 'edit', 'Bob')]
    const by = { device: keep[0]!.sign, name: 'Mallory' }
    const forged = (await buildMoveRecord({ from: room.topic, signingKey: stranger.signingKey, by, keep, removed: [] })).record
    const genuine = (await buildMoveRecord({ from: room.topic, signingKey: room.signingKey, by, keep, removed: [] })).record
    const tampered: MoveRecord = { ...genuine, removed: [{ device: by.device, name: 'Bob' }] }
    const foreign = (await buildMoveRecord({ from: stranger.topic, signingKey: room.signingKey, by, keep, removed: [] })).record
    // A writer's record whose `to` names one room while the box holds another room's link.
    const liar = await signMoveRecord(room.signingKey, { ...genuine, to: roomCommitment(stranger.topic), sealed: genuine.sealed.map((sealed) => ({ ...sealed })) })
    const doc = new Y.Doc()
    doc.getArray(MOVES_ARRAY).push([forged, tampered, foreign, liar, { v: 1 }, 'x', null, { ...genuine, sealed: 'many' }])
    const mover = moverFor(doc, room, bob)
    // The liar is the only valid signature: its box does not open to its `to`, so it is ignored at
    // settling, like the two bad signatures and the four malformed values; nothing moves.
    await waitFor(() => mover.ignored === 7, 5000)
    expect(mover.state.kind).toBe('none')
    expect(mover.pending).toBe(false)
    mover.destroy()
  })

  it('a storm of records costs at most the record limit in signature checks', async () => {
    const room = await newRoom()
    const bob = await memoryDeviceIdentity()
    const keep = [device(bob, 'edit', 'Bob')]
    const junk = await signMoveRecord((await newRoom()).signingKey, { v: 1, from: room.topic, to: 'a'.repeat(64), at: 0, by: { device: keep[0]!.sign, name: 'M' }, removed: [], sealed: [] })
    const doc = new Y.Doc()
    doc.getArray(MOVES_ARRAY).push(Array.from({ length: 10_000 }, (_, at) => ({ ...junk, at })))
    let verifies = 0
    const verify = crypto.subtle.verify.bind(crypto.subtle)
    const spy = (async (...args: Parameters<typeof verify>) => {
      verifies++
      return verify(...args)
    }) as typeof verify
    Object.defineProperty(crypto.subtle, 'verify', { value: spy, configurable: true })
    try {
      const mover = moverFor(doc, room, bob)
      await waitFor(() => mover.ignored === 10_000, 10_000)
      expect(verifies).toBeLessThanOrEqual(MOVE_LIMITS.records)
      expect(mover.state.kind).toBe('none')
      mover.destroy()
    } finally {
      Object.defineProperty(crypto.subtle, 'verify', { value: verify, configurable: true })
    }
  })

  it('concurrent removals by two writers end the same way on every peer', async () => {
    const room = await newRoom()
    const [alice, bob, rita] = await Promise.all([memoryDeviceIdentity(), memoryDeviceIdentity(), memoryDeviceIdentity()])
    const everyone = [device(alice, 'edit', 'Alice'), device(bob, 'edit', 'Bob'), device(rita, 'read', 'Rita')]
    const byAlice = await buildMoveRecord({ from: room.topic, signingKey: room.signingKey, by: { device: everyone[0]!.sign, name: 'Alice' }, keep: everyone, removed: [] })
    const byBob = await buildMoveRecord({ from: room.topic, signingKey: room.signingKey, by: { device: everyone[1]!.sign, name: 'Bob' }, keep: everyone, removed: [] })
    // Each peer receives the two records in its own order; the outcome is the same.
    const docs = [new Y.Doc(), new Y.Doc(), new Y.Doc()]
    const movers = docs.map((doc, index) => moverFor(doc, room, [alice, bob, rita][index] as DeviceIdentity))
    docs[0]!.getArray(MOVES_ARRAY).push([byAlice.record])
    docs[1]!.getArray(MOVES_ARRAY).push([byBob.record])
    const merged = Y.mergeUpdates(docs.slice(0, 2).map((doc) => Y.encodeStateAsUpdate(doc)))
    for (const doc of docs) Y.applyUpdate(doc, merged)
    await waitFor(() => movers.every((mover) => mover.state.kind === 'moved'), 5000)
    const rooms = movers.map((mover) => (mover.state.kind === 'moved' ? mover.state.topic : null))
    expect(new Set(rooms).size).toBe(1)
    for (const mover of movers) mover.destroy()
  })
})

describe('reopening an old link', () => {
  it('follows the record this device followed before, even against a later record with a smaller id', async () => {
    const room = await newRoom()
    const bob = await memoryDeviceIdentity()
    const keep = [device(bob, 'edit', 'Bob')]
    const first = await buildMoveRecord({ from: room.topic, signingKey: room.signingKey, by: { device: keep[0]!.sign, name: 'Ada' }, keep, removed: [] })
    const remembered = new Map<string, string>()
    const followed = { get: (topic: string) => remembered.get(topic) ?? null, set: (topic: string, id: string) => void remembered.set(topic, id) }
    const doc = new Y.Doc()
    doc.getArray(MOVES_ARRAY).push([first.record])
    const once = new RoomMover({ doc, topic: room.topic, verifyKey: Promise.resolve(room.verifyKey), identity: Promise.resolve(bob), settleMs: 20, followed })
    await waitFor(() => once.state.kind === 'moved', 5000)
    once.destroy()
    expect(remembered.get(room.topic)).toBe(moveRecordId(first.record))
    // A removed writer (it holds the old edit key) adds competing records until one has a smaller id.
    let competing = (await buildMoveRecord({ from: room.topic, signingKey: room.signingKey, by: { device: keep[0]!.sign, name: 'Cal' }, keep, removed: [] })).record
    while (moveRecordId(competing) > moveRecordId(first.record)) {
      competing = (await buildMoveRecord({ from: room.topic, signingKey: room.signingKey, by: { device: keep[0]!.sign, name: 'Cal' }, keep, removed: [] })).record
    }
    doc.getArray(MOVES_ARRAY).push([competing])
    const again = new RoomMover({ doc, topic: room.topic, verifyKey: Promise.resolve(room.verifyKey), identity: Promise.resolve(bob), settleMs: 20, followed })
    await waitFor(() => again.state.kind === 'moved', 5000)
    expect(again.state.kind === 'moved' && again.state.link).toBe(first.editLink)
    const fresh = moverFor(doc, room, bob)
    await waitFor(() => fresh.state.kind === 'moved', 5000)
    expect(fresh.state.kind === 'moved' && fresh.state.by).toBe('Cal')
    again.destroy()
    fresh.destroy()
  })
})

describe('device roster', () => {
  it("a peer changing its device field 10,000 times costs one check at a time, and a repeated failure none", async () => {
    const room = await newRoom()
    const doc = new Y.Doc()
    const mine = new Awareness(doc)
    const hostile = new Awareness(new Y.Doc())
    const keys = async (): Promise<{ edit: CryptoKey; comment: null }> => ({ edit: room.verifyKey, comment: null })
    const roster = new DeviceRoster({ topic: room.topic, awareness: mine, doc, canWrite: true, identity: Promise.resolve(await memoryDeviceIdentity()), role: 'edit', roleKey: Promise.resolve(room.signingKey), roleKeys: keys, isAlwaysOn: () => false })
    const genuine = await signDevicePresence(await memoryDeviceIdentity(), room.topic, hostile.clientID, 'read', null)
    let verifies = 0
    const verify = crypto.subtle.verify.bind(crypto.subtle)
    Object.defineProperty(crypto.subtle, 'verify', {
      value: (async (...args: Parameters<typeof verify>) => {
        verifies++
        return verify(...args)
      }) as typeof verify,
      configurable: true,
    })
    try {
      for (let i = 0; i < 10_000; i++) {
        hostile.setLocalStateField(DEVICE_FIELD, { ...genuine, sig: `${'A'.repeat(80)}${String(i).padStart(6, '0')}` })
        applyAwarenessUpdate(mine, encodeAwarenessUpdate(hostile, [hostile.clientID]), 'peer')
      }
      await waitFor(() => roster.rejected >= 1, 5000)
      // The last field is the one checked; the others were passed over while a check ran.
      expect(verifies).toBeLessThanOrEqual(3)
      const after = verifies
      // A field that failed is known before any await: repeating it starts no check.
      for (let i = 0; i < 10_000; i++) applyAwarenessUpdate(mine, encodeAwarenessUpdate(hostile, [hostile.clientID]), 'peer')
      expect(verifies).toBe(after)
      expect(roster.people().filter((person) => !person.self)).toEqual([])
    } finally {
      Object.defineProperty(crypto.subtle, 'verify', { value: verify, configurable: true })
      roster.destroy()
    }
  })

  it('publishes this device, records the devices that verify, and drops those that do not', async () => {
    const room = await newRoom()
    const doc = new Y.Doc()
    const [mine, theirs] = [new Awareness(doc), new Awareness(new Y.Doc())]
    const writer = await memoryDeviceIdentity()
    const reader = await memoryDeviceIdentity()
    const keys = async (): Promise<{ edit: CryptoKey; comment: null }> => ({ edit: room.verifyKey, comment: null })
    const roster = new DeviceRoster({ topic: room.topic, awareness: mine, doc, canWrite: true, identity: Promise.resolve(writer), role: 'edit', roleKey: Promise.resolve(room.signingKey), roleKeys: keys, isAlwaysOn: () => false })
    theirs.setLocalStateField('user', { name: 'Rita', color: '#123456', colorLight: '#12345633' })
    theirs.setLocalStateField(DEVICE_FIELD, await signDevicePresence(reader, room.topic, theirs.clientID, 'read', null))
    applyAwarenessUpdate(mine, encodeAwarenessUpdate(theirs, [theirs.clientID]), 'peer')
    await waitFor(() => readDevices(doc).length === 2, 5000)
    expect(roster.people().map(({ name, role, self }) => ({ name, role, self }))).toEqual([
      { name: expect.any(String), role: 'edit', self: true },
      { name: 'Rita', role: 'read', self: false },
    ])
    // Recorded in the map, this device's presence carries only the short form, which others check against the map.
    await waitFor(() => (mine.getLocalState()?.[DEVICE_FIELD] as { seal?: string } | undefined)?.seal === undefined, 5000)
    const short = mine.getLocalState()?.[DEVICE_FIELD] as { sign: string; sig: string }
    expect(short.sign).toBe(toBase64Url(writer.signing.publicKey))
    const other = new Awareness(new Y.Doc())
    const otherRoster = new DeviceRoster({ topic: room.topic, awareness: other, doc, canWrite: false, identity: Promise.resolve(reader), role: 'read', roleKey: null, roleKeys: keys, isAlwaysOn: () => false })
    applyAwarenessUpdate(other, encodeAwarenessUpdate(mine, [mine.clientID]), 'peer')
    await waitFor(() => otherRoster.people().some((person) => person.sign === short.sign && person.online), 5000)
    // The short form under another presence client id, or of a device the map does not hold, is not believed.
    expect(await verifyDeviceHere(short, room.topic, mine.clientID + 1)).toBeNull()
    otherRoster.destroy()
    // A reader posing as a writer is not believed, and is no longer listed as here.
    theirs.setLocalStateField(DEVICE_FIELD, { ...(await signDevicePresence(reader, room.topic, theirs.clientID, 'read', null)), role: 'edit' })
    applyAwarenessUpdate(mine, encodeAwarenessUpdate(theirs, [theirs.clientID]), 'peer')
    await waitFor(() => roster.rejected === 1, 5000)
    expect(roster.people().find((person) => person.name === 'Rita')).toMatchObject({ online: false, role: 'read' })
    roster.destroy()
    roster.destroy()
  })
})
