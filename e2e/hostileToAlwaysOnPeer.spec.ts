import wrtc from '@roamhq/wrtc'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebrtcProvider } from 'y-webrtc'
import { accessPassword, accessTopic, parseRoomAccess } from '../src/room/roomAccess.js'
import { AlwaysOnPeerProcess } from './support/alwaysOnPeerProcess.js'
import { expect, test } from './support/test.js'
import { openPeer, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

/** What the always-on peer's process may grow by under one attack (the bound the project sets). */
const RSS_BUDGET_BYTES = 64 * 2 ** 20
const RSS = 'meshpad_peer_process_resident_memory_bytes'

interface RawConn {
  readonly connected: boolean
  readonly peer: { send(data: Uint8Array): void }
}

/**
 * The always-on peer serves every room it keeps from one process. A member who holds only the
 * read-only link joins with a stock y-webrtc client over plain WebRTC (no message layer), so it
 * writes whatever bytes it likes on its data channel to the peer.
 */
test('an always-on peer flooded by a reader with raw bytes keeps its memory and keeps serving the writer', async ({ browser, server }) => {
  test.setTimeout(180_000)
  const writer = await openPeer(browser, server.url)
  const editLink = writer.page.url()
  await writer.page.evaluate(() => window.meshpad!.session.text.insert(0, 'Kept by the always-on peer. '.repeat(7_000)))
  const readFragment = (await writer.page.evaluate(() => window.meshpad!.session.access.readFragment))!
  const peer = await AlwaysOnPeerProcess.start([editLink])
  const raw = new Y.Doc()
  let attacker: WebrtcProvider | null = null
  try {
    await waitForWebrtcPeers(writer.page, 1, 30_000)
    await typeAtEnd(writer.page, 'Before.')
    await expect(writer.page.getByTestId('status-storage')).toHaveText('Saved on this device and on 1 always-on peer', { timeout: 30_000 })

    const access = parseRoomAccess(readFragment)
    Object.assign(globalThis, { WebSocket })
    attacker = new WebrtcProvider(accessTopic(access), raw, {
      signaling: [`${server.url.replace(/^http/, 'ws')}/signaling`],
      password: accessPassword(access),
      peerOpts: { wrtc },
    })
    // Both the page and the always-on peer connect to the reader; the flood goes to every link.
    const open = (): RawConn[] => [...((attacker?.room?.webrtcConns as Map<string, RawConn> | undefined)?.values() ?? [])].filter((conn) => conn.connected)
    await expect.poll(() => open().length, { timeout: 30_000 }).toBe(2)
    const rssBefore = await peer.metric(RSS)

    const flood: Uint8Array[] = [Uint8Array.of(0x4d, 1, 0, 0), Uint8Array.of(0x4d, 4), Uint8Array.of(0, 0, 1, 0), Uint8Array.of(3), Uint8Array.of(4, 1, 1, 0x78)]
    for (let i = 0; i < 12_000; i++) for (const conn of open()) for (const message of flood) conn.peer.send(message)

    // The writer's next edit is still stored by the peer, and its status says so again.
    const writtenBefore = (await peer.health()).lastWriteAt ?? 0
    await typeAtEnd(writer.page, ' After.')
    await expect.poll(async () => (await peer.health()).lastWriteAt ?? 0, { timeout: 60_000 }).toBeGreaterThan(writtenBefore)
    await expect(writer.page.getByTestId('status-storage')).toHaveText('Saved on this device and on 1 always-on peer', { timeout: 60_000 })
    const growth = (await peer.metric(RSS)) - rssBefore
    console.log(`always-on peer RSS growth under the flood: ${(growth / 2 ** 20).toFixed(1)} MiB`)
    expect(growth).toBeLessThan(RSS_BUDGET_BYTES)
    expect((await peer.health()).ok).toBe(true)
  } finally {
    attacker?.disconnect()
    attacker?.destroy()
    raw.destroy()
    await peer.destroy()
    await writer.context.close()
  }
})
