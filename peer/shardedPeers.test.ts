// @vitest-environment node
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '../signaling/testing/conditions'
import { SignalingHarness } from '../signaling/testing/signalingHarness'
import { openMemoryCopy } from '../src/storage/MemoryCopy'
import { PeerRooms } from './PeerRooms'
import { parseRoomLinks } from './roomLinks'
import { inShard } from './roomShard'
import { PeerProcess, waitUntil } from './testing/PeerProcess'

const WAIT_MS = 15_000
const harness = new SignalingHarness()
const peers: PeerRooms[] = []
const processes: PeerProcess[] = []
const dirs: string[] = []
afterEach(async () => {
  await Promise.all(peers.splice(0).map((peer) => peer.close()))
  await Promise.all(processes.splice(0).map((peer) => peer.stop()))
  await harness.cleanup()
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('several always-on peers split one rooms list by shard', () => {
  it('two peers given the same links with --shard 0/2 and 1/2 keep every room exactly once, and each wakes only its own', async () => {
    const { http, ws, signaling } = await harness.start()
    const all = parseRoomLinks(Array.from({ length: 16 }, (_, i) => ({ link: `${http}/#shared-list-${i}`, where: `rooms line ${i + 1}` })))
    const shares = [0, 1].map((index) => all.filter((room) => inShard(room.topic, { index, count: 2 })))
    expect(shares[0]!.length + shares[1]!.length).toBe(all.length)
    expect(shares[0]!.length).toBeGreaterThan(0)
    expect(shares[1]!.length).toBeGreaterThan(0)
    for (const share of shares) {
      const peer = new PeerRooms(openMemoryCopy, pino({ level: 'silent' }), { iceServersFor: null })
      peers.push(peer)
      await peer.apply(share)
    }
    await waitFor(() => peers.every((peer) => peer.health().every((row) => row.signaling === 'connected')), WAIT_MS)
    // One subscription per room, over both peers: every room is kept, none twice.
    expect(signaling.stats()).toMatchObject({ connections: 2, topics: all.length, subscriptions: all.length })

    const visitor = await harness.connect(`${ws}/signaling`)
    await visitor.subscribe(...all.map((room) => room.topic))
    for (const room of all) visitor.send({ type: 'publish', topic: room.topic, data: 'announce' })
    await waitFor(() => shares.every((share, i) => share.every((room) => peers[i]!.get(room.topic) !== undefined)), WAIT_MS)
    shares.forEach((share, i) => expect(peers[i]!.awake).toBe(share.length))
  })

  it('two peer processes started with one rooms file and --shard 0/2, 1/2 keep disjoint shares that cover it', async () => {
    const { http, signaling } = await harness.start()
    const dir = await mkdtemp(join(tmpdir(), 'meshpad-shards-'))
    dirs.push(dir)
    const links = Array.from({ length: 30 }, (_, i) => `${http}/#process-shard-${i}`)
    await writeFile(join(dir, 'rooms'), links.join('\n'), { mode: 0o600 })
    for (const index of [0, 1]) {
      processes.push(await PeerProcess.start(['--data', join(dir, `data-${index}`), '--rooms', join(dir, 'rooms'), '--shard', `${index}/2`]))
    }
    const expected = [0, 1].map((index) => parseRoomLinks(links.map((link) => ({ link, where: 'rooms' }))).filter((room) => inShard(room.topic, { index, count: 2 })).length)
    expect(await Promise.all(processes.map((peer) => peer.rooms()))).toEqual(expected)
    await waitUntil(() => signaling.stats().subscriptions === links.length, () => JSON.stringify(signaling.stats()))
    expect(signaling.stats()).toMatchObject({ connections: 2, topics: links.length })
    expect(await Promise.all(processes.map((peer) => peer.metric('meshpad_peer_rooms_awake')))).toEqual([0, 0])
  }, 60_000)

  it('the shard of a room depends on its topic alone, and one shard of one keeps everything', () => {
    const rooms = parseRoomLinks(Array.from({ length: 64 }, (_, i) => ({ link: `https://pad.example/#room-${i}`, where: `line ${i}` })))
    const counts = [0, 1, 2].map((index) => rooms.filter((room) => inShard(room.topic, { index, count: 3 })).length)
    expect(counts.reduce((a, b) => a + b)).toBe(64)
    for (const count of counts) expect(count).toBeGreaterThan(10)
    expect(rooms.every((room) => inShard(room.topic, null) && inShard(room.topic, { index: 0, count: 1 }))).toBe(true)
  })
})
