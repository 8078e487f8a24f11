// @vitest-environment node
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { Awareness, encodeAwarenessUpdate, applyAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { waitFor } from '../signaling/testing/conditions'
import { SignalingHarness, type RunningServer } from '../signaling/testing/signalingHarness'
import type { TestClient } from '../signaling/testing/testClient'
import { LevelStore } from '../src/storage/LevelStore'
import { PeerRooms } from './PeerRooms'
import { parseRoomLinks, type PeerRoom } from './roomLinks'

const SILENT = pino({ level: 'silent' })
const WAIT_MS = 15_000
const harness = new SignalingHarness()
let dir: string
let store: LevelStore
let server: RunningServer
let rooms: PeerRooms | null = null

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshpad-sleep-'))
  store = await LevelStore.open(join(dir, 'data'))
  server = await harness.start()
})
afterEach(async () => {
  await rooms?.close()
  rooms = null
  await harness.cleanup()
  await store.close()
  await rm(dir, { recursive: true, force: true })
})

function roomsOf(...secrets: string[]): PeerRoom[] {
  return parseRoomLinks(secrets.map((secret, i) => ({ link: `${server.http}/#${secret}`, where: `argument ${i + 1}` })))
}

async function storeText(topic: string, text: string): Promise<void> {
  const doc = new Y.Doc()
  doc.getText('content').insert(0, text)
  await store.write(topic, Y.encodeStateAsUpdate(doc))
}

function keep(options: { sleepAfterMs?: number; wakeLimits?: { concurrent: number; awake: number } } = {}): PeerRooms {
  rooms = new PeerRooms(store.openCopy, SILENT, { iceServersFor: null, ...options })
  return rooms
}

const asleepAndSubscribed = (kept: PeerRooms) => () => kept.health().every((row) => row.storage === 'asleep' && row.signaling === 'connected')

/** Someone in the room as the signaling server sees them: subscribed, and publishing (as an announce does). */
async function arrive(topic: string): Promise<TestClient> {
  const client = await harness.connect(`${server.ws}/signaling`)
  await client.subscribe(topic)
  client.send({ type: 'publish', topic, data: 'an encrypted announce' })
  return client
}

describe('sleeping rooms', () => {
  it('keeps sleeping rooms as subscriptions on one shared connection; one publish wakes only its room, with its stored document', async () => {
    const [a, b, c] = roomsOf('room-a', 'room-b', 'room-c')
    await storeText(a!.topic, 'Kept while asleep.')
    const kept = keep()
    await kept.apply([a!, b!, c!])
    await waitFor(asleepAndSubscribed(kept), WAIT_MS)
    expect(server.signaling.stats()).toMatchObject({ connections: 1, subscriptions: 3 })
    expect(kept.awake).toBe(0)

    await arrive(a!.topic)
    await waitFor(() => kept.get(a!.topic)?.session.text.toString() === 'Kept while asleep.', WAIT_MS)
    expect(kept.awake).toBe(1)
    expect(kept.get(b!.topic)).toBeUndefined()
    expect(kept.health().filter((row) => row.storage === 'asleep')).toHaveLength(2)
    // The awake room's own session took over its topic from the watch (newcomer, watch, session).
    await waitFor(() => server.signaling.stats().subscriptions === 4 && server.signaling.stats().connections === 3, WAIT_MS)
  })

  it('wakes a room someone is already in when the peer starts, and not a room nobody is in', async () => {
    const [a, b] = roomsOf('occupied', 'empty')
    const someone = await harness.connect(`${server.ws}/signaling`)
    await someone.subscribe(a!.topic)
    const kept = keep()
    await kept.apply([a!, b!])
    await waitFor(() => kept.get(a!.topic) !== undefined, WAIT_MS)
    // The watch reads `connected` only after the pong that follows its probes' echoes.
    await waitFor(() => kept.health().find((row) => row.storage === 'asleep')?.signaling === 'connected', WAIT_MS)
    expect(kept.awake).toBe(1)
    expect(kept.get(b!.topic)).toBeUndefined()
    // Someone in the room got the probe: a publish without data, which y-webrtc ignores.
    expect(someone.received).toContainEqual({ type: 'publish', topic: a!.topic, data: null, clients: 2 })
  })

  it('goes back to sleep once quiet with its copy written, not while someone is present, and wakes again with what it wrote', async () => {
    const [a] = roomsOf('sleepy')
    const kept = keep({ sleepAfterMs: 200 })
    await kept.apply([a!])
    await waitFor(asleepAndSubscribed(kept), WAIT_MS)
    const visitor = await arrive(a!.topic)
    await waitFor(() => kept.get(a!.topic) !== undefined, WAIT_MS)
    const room = kept.get(a!.topic)!
    await room.session.whenLocalLoaded

    // Someone's presence (as a peer's awareness update brings it) keeps the room awake.
    const other = new Awareness(new Y.Doc())
    other.setLocalState({ user: { name: 'Ben' } })
    applyAwarenessUpdate(room.session.awareness, encodeAwarenessUpdate(other, [other.clientID]), 'peer')
    room.session.text.insert(0, 'Written while awake.')
    // A check that something does not happen: four quiet periods pass and the room stays.
    await new Promise((resolve) => setTimeout(resolve, 800))
    expect(kept.get(a!.topic)).toBe(room)

    removeAwarenessStates(room.session.awareness, [other.clientID], 'peer')
    await waitFor(() => kept.awake === 0 && asleepAndSubscribed(kept)(), WAIT_MS)
    const stored = new Y.Doc()
    Y.applyUpdate(stored, await store.read(a!.topic))
    expect(stored.getText('content').toString()).toBe('Written while awake.')

    visitor.send({ type: 'publish', topic: a!.topic, data: 'announce again' })
    await waitFor(() => kept.get(a!.topic)?.session.text.toString() === 'Written while awake.', WAIT_MS)
    expect(kept.get(a!.topic)).not.toBe(room)
  })

  it('after the signaling server restarts, the watch subscribes again by itself and a newcomer still wakes the room', async () => {
    const [a] = roomsOf('through-a-restart')
    const kept = keep()
    await kept.apply([a!])
    await waitFor(asleepAndSubscribed(kept), WAIT_MS)
    const port = Number(new URL(server.http).port)
    await server.signaling.close()
    await waitFor(() => kept.health()[0]!.signaling !== 'connected', WAIT_MS)
    server = await harness.start({ port })
    await waitFor(asleepAndSubscribed(kept), WAIT_MS)
    expect(server.signaling.stats()).toMatchObject({ connections: 1, subscriptions: 1 })
    await arrive(a!.topic)
    await waitFor(() => kept.get(a!.topic) !== undefined, WAIT_MS)
  })

  it("a room that wakes uses the ICE servers of its server's /ice-servers, asked when the room was first kept", async () => {
    const stun = 'stun:stun.example.test:3478'
    server = await harness.start({ ice: { stunUrls: [stun], turnUrls: [], turn: undefined } })
    const [a] = roomsOf('with-stun')
    rooms = new PeerRooms(store.openCopy, SILENT)
    await rooms.apply([a!])
    await waitFor(asleepAndSubscribed(rooms), WAIT_MS)
    await arrive(a!.topic)
    await waitFor(() => rooms!.get(a!.topic)?.session.debug().iceServers.includes(stun) === true, WAIT_MS)
  })

  it('a stranger publishing in every room wakes them a few at a time, up to the awake bound; the rest wait', async () => {
    const all = roomsOf(...Array.from({ length: 24 }, (_, i) => `crowd-${i}`))
    const kept = keep({ wakeLimits: { concurrent: 2, awake: 5 } })
    await kept.apply(all)
    await waitFor(asleepAndSubscribed(kept), WAIT_MS)
    const stranger = await harness.connect(`${server.ws}/signaling`)
    await stranger.subscribe(...all.map((room) => room.topic))
    let mostWaking = 0
    const sample = setInterval(() => {
      mostWaking = Math.max(mostWaking, kept.health().filter((row) => row.storage === 'loading' && row.awake).length)
    }, 1)
    try {
      for (const room of all) stranger.send({ type: 'publish', topic: room.topic, data: 'flood' })
      // Its own echoes came back: the watch, subscribed to the same topics, has read every publish too.
      await waitFor(() => stranger.received.filter((message) => (message as { type: string }).type === 'publish').length === all.length, WAIT_MS)
      await waitFor(() => kept.awake === 5 && kept.waitingToWake === all.length - 5 && kept.health().every((row) => row.storage !== 'loading'), WAIT_MS)
    } finally {
      clearInterval(sample)
    }
    expect(kept.health().filter((row) => row.awake)).toHaveLength(5)
    expect(mostWaking).toBeLessThanOrEqual(2)
  })
})
