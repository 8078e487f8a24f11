// @vitest-environment node
import wrtc from '@roamhq/wrtc'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebrtcProvider } from 'y-webrtc'
import { waitFor } from '../../signaling/testing/conditions'
import { SignalingHarness } from '../../signaling/testing/signalingHarness'
import type { TestClient } from '../../signaling/testing/testClient'
import { Announcer } from './Announcer'

Object.assign(globalThis, { WebSocket })

const harness = new SignalingHarness()
const cleanups: (() => void)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup()
  await harness.cleanup()
})

/**
 * A provider without a password (a raw test client speaks signaling in clear) and y-webrtc's
 * `maxConns: 0`, as RoomNetwork creates it, with an Announcer that records what it was asked.
 */
async function open(room: string, ws: string, accept: (links: unknown, conns: number) => boolean, maxConns = 20): Promise<{ provider: WebrtcProvider; announcer: Announcer }> {
  const provider = new WebrtcProvider(room, new Y.Doc(), { signaling: [`${ws}/signaling`], peerOpts: { wrtc }, maxConns: 0 })
  const announcer = new Announcer({ provider, maxConns, accept })
  cleanups.push(() => {
    announcer.destroy()
    provider.disconnect()
    provider.destroy()
  })
  await waitFor(() => provider.room !== null && provider.signalingConns[0]!.connected, 5000)
  return { provider, announcer }
}

/** The announces from `peerId` that `client` has received so far (taking them). */
function announcesFrom(client: TestClient, peerId: string): { links?: unknown }[] {
  return client
    .takeQueued()
    .map((m) => (m as { data?: { type?: string; from?: string; links?: unknown } }).data)
    .filter((data): data is { type: string; from: string; links?: unknown } => data?.type === 'announce' && data.from === peerId)
}

describe('Announcer', () => {
  it('answers an announce when its rule says so, with the announcer’s link count; y-webrtc answers none itself', async () => {
    const { ws } = await harness.start({ rateLimit: false })
    const asked: [unknown, number][] = []
    const { provider } = await open('announce-rule', ws, (links, conns) => {
      asked.push([links, conns])
      return links === 0
    })
    const other = await harness.connect(`${ws}/signaling`)
    const added: string[] = []
    provider.on('peers', ({ added: ids }: { added: string[] }) => added.push(...ids))
    other.send({ type: 'publish', topic: 'announce-rule', data: { type: 'announce', from: 'full', links: 30 } })
    other.send({ type: 'publish', topic: 'announce-rule', data: { type: 'announce', from: 'lonely', links: 0 } })
    await waitFor(() => provider.room!.webrtcConns.has('lonely'))
    expect([...provider.room!.webrtcConns.keys()]).toEqual(['lonely'])
    expect(added).toEqual(['lonely'])
    expect(asked).toEqual([
      [30, 0],
      [0, 0],
    ])
    // It starts the connection: an offer to the announcer goes out.
    const conn = provider.room!.webrtcConns.get('lonely') as unknown as { peer: { initiator: boolean } }
    expect(conn.peer.initiator).toBe(true)
  })

  it('announces itself with its link count, and again after a connection closed, with a delay that doubles', async () => {
    const { ws } = await harness.start({ rateLimit: false })
    const watcher = await harness.connect(`${ws}/signaling`)
    await watcher.subscribe('announce-backoff')
    const { provider, announcer } = await open('announce-backoff', ws, () => true)
    const self = provider.room!.peerId
    // y-webrtc's own announce (no links) and the announcer's (links 0) when the server connected.
    const first: { links?: unknown }[] = []
    await waitFor(() => first.push(...announcesFrom(watcher, self)) >= 2)
    expect(first.map((data) => data.links).sort()).toEqual([0, undefined])
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(announcesFrom(watcher, self)).toEqual([])

    announcer.connectionClosed('gone', {})
    const closedAt = Date.now()
    await waitFor(() => announcesFrom(watcher, self).length > 0, 5000)
    // About a second (±25 %), not at once.
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(700)

    announcer.connectionClosed('gone', {})
    const secondClosedAt = Date.now()
    await waitFor(() => announcesFrom(watcher, self).length > 0, 8000)
    expect(Date.now() - secondClosedAt).toBeGreaterThanOrEqual(1400)

    // A connection that came up starts the delays over.
    announcer.connectionUp()
    announcer.connectionClosed('gone', {})
    const thirdClosedAt = Date.now()
    await waitFor(() => announcesFrom(watcher, self).length > 0, 5000)
    expect(Date.now() - thirdClosedAt).toBeLessThan(1400)
  })

  it('does not announce again when the closed connection was replaced (glare) or its peer is a tab', async () => {
    const { ws } = await harness.start({ rateLimit: false })
    const watcher = await harness.connect(`${ws}/signaling`)
    await watcher.subscribe('announce-replaced')
    const { provider, announcer } = await open('announce-replaced', ws, () => true)
    const room = provider.room!
    await new Promise((resolve) => setTimeout(resolve, 200))
    watcher.takeQueued()
    room.webrtcConns.set('glare-peer', { destroy: () => {} } as never)
    announcer.connectionClosed('glare-peer', {})
    room.bcConns.add('a-tab')
    announcer.connectionClosed('a-tab', {})
    room.webrtcConns.delete('glare-peer')
    room.bcConns.delete('a-tab')
    await new Promise((resolve) => setTimeout(resolve, 1600))
    expect(announcesFrom(watcher, room.peerId)).toEqual([])
  })

  it('announces nothing with a maxConns of 0 (no WebRTC)', async () => {
    const { ws } = await harness.start({ rateLimit: false })
    const watcher = await harness.connect(`${ws}/signaling`)
    await watcher.subscribe('announce-none')
    const { provider, announcer } = await open('announce-none', ws, () => true, 0)
    watcher.takeQueued()
    announcer.announce(0)
    announcer.announceIfRoom()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(announcesFrom(watcher, provider.room!.peerId)).toEqual([])
  })
})
