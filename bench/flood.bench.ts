import type { Page } from '@playwright/test'
import { writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { closePeers, dataChannelStats, openRoom, pause, probeState, withStage, type BenchPeer } from './support/benchPeers.ts'
import type { DataChannelCounts } from './support/pageProbe.ts'

/**
 * The flood: data-channel messages and bytes per edit in rooms of 2, 4 and 8 peers (a full mesh),
 * next to the ideal n − 1 messages per edit (the author sends once to each peer) and naive
 * flooding's n·(n − 1) (every peer forwards every update to every peer).
 *
 * Totals come from each peer connection's `getStats()` data-channel counters; the split by kind
 * (document updates vs awareness) from counting `RTCDataChannel.send` calls by y-webrtc message
 * type in every page. A types EDITS characters; then moves its caret MOVES times (awareness only).
 */
const SIZES = [2, 4, 8] as const
const EDITS = 100
const MOVES = 50
const PACE_MS = 30

type Totals = Awaited<ReturnType<typeof dataChannelStats>>

interface Snapshot {
  stats: Totals
  sends: DataChannelCounts['byType']
}

async function snapshot(peers: readonly BenchPeer[]): Promise<Snapshot> {
  const stats: Totals = { messagesSent: 0, bytesSent: 0, messagesReceived: 0, bytesReceived: 0 }
  const sends: Snapshot['sends'] = {}
  for (const { page } of peers) {
    const pageStats = await dataChannelStats(page)
    for (const key of Object.keys(stats) as (keyof Totals)[]) stats[key] += pageStats[key]
    for (const [type, count] of Object.entries((await probeState(page)).sends.byType)) {
      const total = (sends[type] ??= { messages: 0, bytes: 0 })
      total.messages += count.messages
      total.bytes += count.bytes
    }
  }
  return { stats, sends }
}

function difference(after: Snapshot, before: Snapshot): Snapshot {
  const stats = { ...after.stats }
  for (const key of Object.keys(stats) as (keyof Totals)[]) stats[key] -= before.stats[key]
  const sends: Snapshot['sends'] = {}
  for (const [type, count] of Object.entries(after.sends)) {
    const earlier = before.sends[type] ?? { messages: 0, bytes: 0 }
    sends[type] = { messages: count.messages - earlier.messages, bytes: count.bytes - earlier.bytes }
  }
  return { stats, sends }
}

/**
 * Waits until every message sent on the room's data channels has been received: then no update
 * or forwarded copy is still travelling.
 */
async function settle(peers: readonly BenchPeer[]): Promise<Snapshot> {
  const deadline = Date.now() + 30_000
  for (;;) {
    const snap = await snapshot(peers)
    if (snap.stats.messagesSent === snap.stats.messagesReceived) return snap
    if (Date.now() > deadline) throw new Error(`data channels did not settle: ${JSON.stringify(snap.stats)}`)
    await pause(50)
  }
}

async function textLength(page: Page): Promise<number> {
  return page.evaluate(() => window.meshpad?.session.text.length ?? -1)
}

interface Phase {
  /** getStats totals over the room, per action. */
  messages: number
  bytes: number
  /** y-webrtc message kinds over the room, per action. */
  byType: Record<string, { messages: number; bytes: number }>
  /** The busiest peer's messages sent, per action. */
  maxPeerMessages: number
}

function perAction(delta: Snapshot, perPeer: number[], actions: number): Phase {
  const byType: Phase['byType'] = {}
  for (const [type, count] of Object.entries(delta.sends)) {
    if (count.messages > 0) byType[type] = { messages: count.messages / actions, bytes: count.bytes / actions }
  }
  return {
    messages: delta.stats.messagesSent / actions,
    bytes: delta.stats.bytesSent / actions,
    byType,
    maxPeerMessages: Math.max(...perPeer) / actions,
  }
}

async function peerMessagesSent(peers: readonly BenchPeer[]): Promise<number[]> {
  return Promise.all(peers.map(async ({ page }) => (await dataChannelStats(page)).messagesSent))
}

async function measureRoom(size: number): Promise<{ edits: Phase; moves: Phase }> {
  return withStage(async ({ browser, server }) => {
    const peers = await openRoom(browser, server.url, size)
    try {
      const a = peers[0] as BenchPeer
      await a.page.locator('.cm-content').click()
      await a.page.keyboard.press('Control+End')
      // Warm up: the first edit and caret move settle presence (cursor fields) everywhere.
      await a.page.keyboard.type('warm up ')
      await a.page.keyboard.press('ArrowLeft')
      await a.page.keyboard.press('Control+End')
      const warm = await textLength(a.page)
      await Promise.all(peers.map(({ page }) => page.waitForFunction((n) => window.meshpad?.session.text.length === n, warm)))

      let before = await settle(peers)
      let peerBefore = await peerMessagesSent(peers)
      for (let i = 0; i < EDITS; i++) {
        await a.page.keyboard.press(String.fromCharCode(97 + (i % 26)))
        await pause(PACE_MS)
      }
      await Promise.all(peers.map(({ page }) => page.waitForFunction((n) => window.meshpad?.session.text.length === n, warm + EDITS)))
      let after = await settle(peers)
      let peerAfter = await peerMessagesSent(peers)
      const edits = perAction(difference(after, before), peerAfter.map((n, i) => n - (peerBefore[i] ?? 0)), EDITS)

      before = after
      peerBefore = peerAfter
      for (let i = 0; i < MOVES; i++) {
        await a.page.keyboard.press(i < MOVES / 2 ? 'ArrowLeft' : 'ArrowRight')
        await pause(PACE_MS)
      }
      after = await settle(peers)
      peerAfter = await peerMessagesSent(peers)
      const moves = perAction(difference(after, before), peerAfter.map((n, i) => n - (peerBefore[i] ?? 0)), MOVES)
      return { edits, moves }
    } finally {
      await closePeers(peers)
    }
  })
}

const rows: BenchRow[] = []
const summary: Record<string, unknown> = {}
for (const size of SIZES) {
  const { edits, moves } = await measureRoom(size)
  const ideal = size - 1
  const naive = size * (size - 1)
  const sync = edits.byType.sync ?? { messages: 0, bytes: 0 }
  console.log(`[bench] flood ${size} peers: ${JSON.stringify({ edits, moves })}`)
  rows.push({
    figure: `${size} peers: data-channel messages per edit, whole room (document updates only)`,
    meshpad: `${edits.messages.toFixed(1)} (${sync.messages.toFixed(1)}); busiest peer ${edits.maxPeerMessages.toFixed(1)}`,
    anchor: `ideal n−1 = ${ideal}; naive flooding n·(n−1) = ${naive}`,
    target: `${ideal}`,
  })
  rows.push({
    figure: `${size} peers: data-channel bytes per edit, whole room`,
    meshpad: `${edits.bytes.toFixed(0)} B`,
    anchor: `ideal: ${ideal} × one update`,
    target: '—',
  })
  const awareness = moves.byType.awareness ?? { messages: 0, bytes: 0 }
  rows.push({
    figure: `${size} peers: awareness messages per caret move, whole room (bytes)`,
    meshpad: `${awareness.messages.toFixed(1)} (${awareness.bytes.toFixed(0)} B)`,
    anchor: `ideal n−1 = ${ideal}; naive n·(n−1) = ${naive}`,
    target: `${ideal}`,
  })
  summary[`${size} peers`] = { edits, moves, ideal, naive }
}

writeBenchResult({
  name: 'flood',
  title: 'The flood: messages per edit',
  rows,
  summary,
  samples: {},
  notes: [
    `${EDITS} single-character edits typed in one peer of a full mesh (one every ${PACE_MS} ms plus the press), then ${MOVES} caret moves (awareness only). Counted after every message sent had been received.`,
    'Messages and bytes: the sum over every peer connection of every page of `RTCPeerConnection.getStats()` data-channel `messagesSent`/`bytesSent` (bytes are payload, without SCTP/DTLS framing). "Document updates only" and the awareness figures count `RTCDataChannel.send` calls by y-webrtc message type in each page.',
  ],
})
