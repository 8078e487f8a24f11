import type { Browser } from '@playwright/test'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { closePeers, latencyCell, openPeer, withStage, type BenchPeer } from './support/benchPeers.ts'
import { joinOnce, SYNC_TIMEOUT_MS, type Join } from './support/firstVisitJoin.ts'
import { openSeededPeer } from './support/seedRoom.ts'
import { loadTrace, TRACE_CREDIT, traceDocumentUpdate } from './support/traceDocument.ts'

/**
 * Joining: a new peer (fresh browser context: nothing stored, nothing cached) opens a room link
 * where one peer already is. From its navigation start: → first WebRTC peer connected (data
 * channel open) → its document holds everything the other peer's does (the other's state vector)
 * and the texts are equal. Once with an empty document, once with the large one (the
 * automerge-paper trace, replayed: 104,852 characters, 259,778 edits of history).
 */
const EMPTY_RUNS = 10
const LARGE_RUNS = 5
const RELOADS = 10

async function joinRuns(browser: Browser, link: string, holder: BenchPeer, runs: number): Promise<Join[]> {
  const joins: Join[] = []
  for (let i = 0; i < runs; i++) joins.push(await joinOnce(browser, link, holder))
  return joins
}

/**
 * A returning peer: the same browser context (app in the HTTP cache, the room stored) reloads the
 * room's page; navigation start → first WebRTC peer connected.
 */
async function rejoinRuns(browser: Browser, link: string, runs: number): Promise<number[]> {
  const peer = await openPeer(browser, link)
  const times: number[] = []
  try {
    for (let i = 0; i < runs; i++) {
      await peer.page.reload()
      await peer.page.waitForFunction(() => window.meshpad?.session.debug().firstPeerAt != null, undefined, { timeout: SYNC_TIMEOUT_MS })
      times.push((await peer.page.evaluate(() => window.meshpad?.session.debug().firstPeerAt)) as number)
    }
  } finally {
    await closePeers([peer])
  }
  return times
}

function describe(joins: Join[], key: keyof Join): { cell: string; values: number[]; missing: number } {
  const values = joins.map((join) => join[key]).filter((value): value is number => value !== null)
  const missing = joins.length - values.length
  const summary = percentiles(values)
  const cell = values.length
    ? `${latencyCell(summary)}${missing ? `; ${missing} of ${joins.length} never (${SYNC_TIMEOUT_MS / 1000} s)` : ''}`
    : `never, in ${joins.length} of ${joins.length} tries (waited ${SYNC_TIMEOUT_MS / 1000} s each)`
  return { cell, values, missing }
}


const trace = loadTrace()
const largeUpdate = traceDocumentUpdate(trace, 1)

const result = await withStage(async ({ browser, server }) => {
  const holder = await openPeer(browser, server.url)
  const empty = await joinRuns(browser, holder.page.url(), holder, EMPTY_RUNS)
  const returning = await rejoinRuns(browser, holder.page.url(), RELOADS)
  await closePeers([holder])
  const large = await openSeededPeer(browser, server.url, largeUpdate, trace.endContent.length)
  const largeJoins = await joinRuns(browser, large.page.url(), large, LARGE_RUNS)
  await closePeers([large])
  return { empty, large: largeJoins, returning }
})

const rows: BenchRow[] = []
const summary: Record<string, unknown> = {}
for (const [label, joins] of [
  ['empty document', result.empty],
  ['large document', result.large],
] as const) {
  const first = describe(joins, 'firstPeer')
  const synced = describe(joins, 'synced')
  rows.push({
    figure: `join, ${label}: navigation start → first WebRTC peer connected (p50 / p95 / p99)`,
    meshpad: first.cell,
    anchor: label === 'empty document' ? 'stock stack: see “Meshpad beside the stock stack” (measured there side by side)' : '—',
    target: '≤ 300 ms',
  })
  rows.push({
    figure: `join, ${label}: navigation start → document identical to the peer's (p50 / p95 / p99)`,
    meshpad: synced.cell,
    anchor: '—',
    target: label === 'large document' ? '≤ 500 ms' : '—',
  })
  summary[label] = { firstPeer: percentiles(first.values), synced: percentiles(synced.values), neverSynced: synced.missing, runs: joins.length }
}

const returning = percentiles(result.returning)
rows.push({
  figure: 'rejoin, returning peer (page reload: app cached, room stored): navigation start → first WebRTC peer connected (p50 / p95 / p99)',
  meshpad: latencyCell(returning),
  anchor: '—',
  target: '≤ 300 ms',
})
summary['returning peer'] = { firstPeer: returning }

writeBenchResult({
  name: 'join',
  title: 'Joining a room',
  rows,
  summary,
  samples: result,
  notes: [
    `${EMPTY_RUNS} joins of an empty room and ${LARGE_RUNS} of the large one, each a first visit in a fresh browser context (no storage, no HTTP cache, service workers blocked) loading the production build from the real server; the peer already in the room stays open; the harness evaluates nothing in the joining page until it has synced (it waits for the probe’s SYNCED_MESSAGE). Then ${RELOADS} reloads of one returning peer.`,
    '"First WebRTC peer connected": the session\'s first data channel open (`debug().firstPeerAt`, `performance.now()` from navigation start). "Identical": the joining document holds every struct of the other peer\'s state vector (checked after each Yjs transaction), and the texts are equal.',
    `Large document: the automerge-paper trace replayed in Node with the same Yjs (one transaction per edit), stored in the holder's IndexedDB before it opens the room; ${largeUpdate.byteLength.toLocaleString('en')} bytes as a Yjs v1 update. ${TRACE_CREDIT}`,
  ],
})
