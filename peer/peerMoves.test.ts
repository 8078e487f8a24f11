// @vitest-environment node
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import * as Y from 'yjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { waitFor } from '../signaling/testing/conditions'
import { SignalingHarness, type RunningServer } from '../signaling/testing/signalingHarness'
import { toBase64Url } from '../src/room/base64Url'
import { accessTopic, createEditFragment, parseRoomAccess } from '../src/room/roomAccess'
import { roomSigning } from '../src/room/roomSigning'
import { memoryDeviceIdentity, type DeviceIdentity } from '../src/presence/storedDeviceIdentity'
import { buildMoveRecord } from '../src/removal/buildMoveRecord'
import { MOVES_ARRAY } from '../src/removal/moveRecord'
import { LevelStore } from '../src/storage/LevelStore'
import { readOrCreateDeviceIdentity } from './deviceIdentityFile'
import { MOVED_ROOMS_FILE, MovedRooms } from './MovedRooms'
import { PeerRooms } from './PeerRooms'
import { parseRoomLinks, roomLinkOf, type PeerRoom } from './roomLinks'

const WAIT_MS = 15_000
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url))
const WRITER = fileURLToPath(new URL('./testing/removingWriter.ts', import.meta.url))
const harness = new SignalingHarness()
let dir: string
let store: LevelStore
let server: RunningServer
let rooms: PeerRooms | null = null
let lines: string[]
let stopWriter: (() => Promise<void>) | null = null
const log = () => pino({ level: 'info' }, { write: (line: string) => void lines.push(line) })

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshpad-moves-'))
  store = await LevelStore.open(join(dir, 'data'))
  server = await harness.start()
  lines = []
})
afterEach(async () => {
  await rooms?.close()
  rooms = null
  await stopWriter?.()
  stopWriter = null
  await harness.cleanup()
  await store.close()
  await rm(dir, { recursive: true, force: true })
})

async function keep(identity: DeviceIdentity, room: PeerRoom): Promise<PeerRooms> {
  const moves = await MovedRooms.open(join(dir, 'data'))
  rooms = new PeerRooms(store.openCopy, log(), { iceServersFor: null, device: Promise.resolve(identity), moves })
  await rooms.apply([room])
  return rooms
}

/** Someone in the room as the signaling server sees them: the room wakes. */
async function arrive(topic: string): Promise<void> {
  const client = await harness.connect(`${server.ws}/signaling`)
  await client.subscribe(topic)
  client.send({ type: 'publish', topic, data: 'an encrypted announce' })
}

/**
 * A v2 room the peer keeps with its edit link, whose stored copy (as a peer that synced with the
 * writer before it went to sleep holds it) has text and a writer's move record keeping `kept`.
 */
async function movedRoomInStore(kept: DeviceIdentity): Promise<PeerRoom> {
  const fragment = createEditFragment()
  const access = parseRoomAccess(fragment)
  const topic = accessTopic(access)
  const signingKey = await roomSigning(access)!.signingKey!
  const writer = await memoryDeviceIdentity()
  const device = (identity: DeviceIdentity, name: string) => ({ sign: toBase64Url(identity.signing.publicKey), seal: toBase64Url(identity.sealing.publicKey), role: 'edit' as const, name })
  const { record } = await buildMoveRecord({
    from: topic,
    signingKey,
    by: { device: device(writer, 'Ana').sign, name: 'Ana' },
    keep: [device(writer, 'Ana'), device(kept, 'Always-on peer')],
    removed: [{ device: toBase64Url(new Uint8Array(32)), name: 'Cy' }],
  })
  const doc = new Y.Doc({ gc: false })
  doc.getText('content').insert(0, 'Written before the move.')
  doc.getArray(MOVES_ARRAY).push([record])
  await store.write(topic, Y.encodeStateAsUpdate(doc))
  return parseRoomLinks([{ link: `${server.http}/#${fragment}`, where: 'test' }])[0]!
}

/** The one room the moved-rooms file says `from` moved to. */
async function movedRoomOf(from: PeerRoom): Promise<PeerRoom> {
  const path = join(dir, 'data', MOVED_ROOMS_FILE)
  // NOTE: the room is kept at once; its line is written (fsync) just after.
  await waitFor(() => readFile(path, 'utf8').then((text) => text.endsWith('\n'), () => false), WAIT_MS)
  const text = await readFile(path, 'utf8')
  const moves = [...text.matchAll(/^([0-9a-f]{64}) (\S+)$/gm)]
  expect(moves.map((move) => move[1])).toEqual([from.topic])
  return parseRoomLinks([{ link: moves[0]![2]!, where: 'moved-rooms' }])[0]!
}

/** A writer in its own process (see `removingWriter.ts`); resolves with what it kept once it removed. */
function startRemovingWriter(link: string, text: string): Promise<{ kept: string }> {
  const child = spawn(TSX, [WRITER, link, text], { stdio: ['ignore', 'pipe', 'inherit'] })
  stopWriter = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the writer exited with ${code}`)))
    createInterface({ input: child.stdout }).once('line', (line) => resolve(JSON.parse(line) as { kept: string }))
  })
}

describe('an always-on peer whose room moves', () => {
  it('is sealed the new link by a writer that saw its device, follows the move live, and carries its own copy across', async () => {
    const identity = await readOrCreateDeviceIdentity(dir)
    const old = parseRoomLinks([{ link: `${server.http}/#${createEditFragment()}`, where: 'test' }])[0]!
    const stored = new Y.Doc({ gc: false })
    stored.getText('content').insert(0, 'Stored at the peer. ')
    await store.write(old.topic, Y.encodeStateAsUpdate(stored))
    const kept = await keep(identity, old)
    const { kept: sealedTo } = await startRemovingWriter(roomLinkOf(old.link), 'Typed by Ana.')
    expect(sealedTo).toBe(toBase64Url(identity.signing.publicKey))
    await waitFor(() => kept.size === 2, WAIT_MS)
    // Ana typed before the two copies met: both texts are in the old room, in the order Yjs gives them.
    expect(kept.get(old.topic)?.session.text.toString()).toContain('Typed by Ana.')
    const next = await movedRoomOf(old)
    // The peer carries what it had stored (and its own edits, none): what Ana sent it is Ana's to carry.
    await waitFor(() => kept.get(next.topic)?.session.text.toString() === 'Stored at the peer. ', WAIT_MS)
  }, 40_000)

  it('follows a record sealed to it when the room wakes: keeps the new room too with its copy carried across, and both after a restart', async () => {
    const identity = await readOrCreateDeviceIdentity(dir)
    const old = await movedRoomInStore(identity)
    const kept = await keep(identity, old)
    await arrive(old.topic)

    await waitFor(() => kept.size === 2, WAIT_MS)
    const next = await movedRoomOf(old)
    expect(kept.health().map((row) => row.room)).toEqual([old.label, next.label])
    expect(next.link.origin).toBe(server.http)
    expect((await stat(join(dir, 'data', MOVED_ROOMS_FILE))).mode & 0o777).toBe(0o600)
    // Woken at once, and the old copy (a writer's) carried across.
    await waitFor(() => kept.get(next.topic)?.session.text.toString() === 'Written before the move.', WAIT_MS)
    expect(kept.get(old.topic)?.session.removal?.move.kind).toBe('moved')
    expect(lines.join('')).not.toContain(next.link.secret)

    // A restart: the rooms file still lists the old room only; both are kept, the new one with its copy.
    await kept.close()
    const again = await keep(identity, old)
    expect(again.size).toBe(2)
    await arrive(next.topic)
    await waitFor(() => again.get(next.topic)?.session.text.toString() === 'Written before the move.', WAIT_MS)
    // Dropping the old room from the list drops the room it moved to.
    expect(await again.apply([])).toEqual({ joined: 0, left: 2 })
  }, 40_000)

  it('serves the old room as it is when the move did not keep it, and says so once', async () => {
    const identity = await readOrCreateDeviceIdentity(dir)
    const old = await movedRoomInStore(await memoryDeviceIdentity())
    const kept = await keep(identity, old)
    await arrive(old.topic)
    await waitFor(() => kept.get(old.topic)?.session.removal?.move.kind === 'removed', WAIT_MS)
    await waitFor(() => lines.some((line) => line.includes('without this peer')), WAIT_MS)
    expect(lines.filter((line) => line.includes('without this peer'))).toHaveLength(1)
    expect(kept.size).toBe(1)
    expect(kept.get(old.topic)?.session.text.toString()).toBe('Written before the move.')
  }, 30_000)
})
