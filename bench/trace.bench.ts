import type { Browser, BrowserContext, Page } from '@playwright/test'
import * as Y from 'yjs'
import type { MeshpadServer } from '../e2e/support/meshpadServer.ts'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { editorDocText, latencyCell, newPeerContext, openMeshpad, pause, probeState, stateVector, withStage } from './support/benchPeers.ts'
import { newRoomSecret, seedRoom, storedBytes } from './support/seedRoom.ts'
import { loadTrace, replayInto, TRACE_CREDIT, traceDoc, traceDocumentUpdate, type Trace } from './support/traceDocument.ts'
import { createEditFragment } from '../src/room/roomAccess.ts'

/**
 * A real large document: the automerge-paper trace (259,778 edits) replayed into a Meshpad room as
 * separate updates, one Yjs transaction per edit as crdt-benchmarks' B4 does, through the live
 * session (editor bound, IndexedDB storing, y-webrtc connected to the signaling server). Then:
 * storage, reopening from IndexedDB, syncing to a fresh peer, heap; and the trace ×20 document.
 */
const BATCH = 2_000
const REOPENS = 5
const SYNC_TIMEOUT_MS = 30_000
const ANCHOR = {
  replay: 'Yjs 13.6 B4: 5,714 ms (crdt-benchmarks, Node 20, i5-8400)',
  encoded: 'Yjs B4: 159,929 B (v2 encoding)',
  parse: 'Yjs B4 parse: 39 ms',
  heap: 'Yjs B4: 3.2 MB',
}

/** Replays the trace in the page, BATCH edits per task; returns wall time and time inside the loops. */
async function replayInPage(page: Page, trace: Trace): Promise<{ wallMs: number; loopMs: number }> {
  return page.evaluate(
    async ({ patches, batch }) => {
      const text = window.meshpad?.session.text
      if (!text) throw new Error('no session')
      const started = performance.now()
      let loopMs = 0
      for (let from = 0; from < patches.length; from += batch) {
        const loopStart = performance.now()
        for (const [position, deleteCount, insert] of patches.slice(from, from + batch)) {
          if (deleteCount > 0) text.delete(position, deleteCount)
          if (insert) text.insert(position, insert)
        }
        loopMs += performance.now() - loopStart
        // Let the page breathe between batches (IndexedDB, rendering), as typing would.
        await new Promise((resolve) => setTimeout(resolve, 0))
      }
      return { wallMs: performance.now() - started, loopMs }
    },
    { patches: trace.patches, batch: BATCH },
  )
}

async function waitForSaved(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForFunction(() => window.meshpad?.session.status.storage === 'saved', undefined, { timeout })
}

/** JS heap in use after a full garbage collection (DevTools protocol). */
async function heapUsed(context: BrowserContext, page: Page): Promise<number> {
  const cdp = await context.newCDPSession(page)
  await cdp.send('HeapProfiler.enable')
  await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
  await cdp.detach()
  return usedSize
}

/** Waits until y-indexeddb has merged the stored updates (it does so once 500 have piled up). */
async function waitForCompaction(context: BrowserContext, origin: string, secret: string): Promise<{ bytes: number; records: number }> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const stored = await storedBytes(context, origin, secret)
    if (stored.records < 500 || Date.now() > deadline) return stored
    await pause(250)
  }
}

async function reopen(context: BrowserContext, url: string, length: number): Promise<{ page: Page; editorFullAt: number; workspaceAt: number }> {
  const page = await context.newPage()
  await page.goto(url)
  await page.waitForFunction(
    (n) => (window as unknown as { __bench: { editorFullAt: number | null; options: { editorLength?: number } } }).__bench.editorFullAt !== null || n < 0,
    length,
    { timeout: 60_000 },
  )
  const probe = await probeState(page)
  return { page, editorFullAt: probe.editorFullAt as number, workspaceAt: probe.workspaceAt as number }
}

/** A fresh peer joins `holder`'s room: navigation start → holding the holder's state, or null. */
async function freshPeerSync(browser: Browser, holder: Page, timeout: number): Promise<{ syncedAt: number | null; heap: number | null }> {
  const context = await newPeerContext(browser, { targetStateVector: await stateVector(holder) })
  try {
    const page = await openMeshpad(context, holder.url())
    try {
      await page.waitForFunction(() => (window as unknown as { __bench: { syncedAt: number | null } }).__bench.syncedAt !== null, undefined, { timeout })
    } catch {
      return { syncedAt: null, heap: null }
    }
    const [mine, theirs] = await Promise.all([page, holder].map((p) => p.evaluate(() => window.meshpad?.session.text.toString())))
    if (mine !== theirs) throw new Error('fresh peer holds the state vector but not the same text')
    return { syncedAt: (await probeState(page)).syncedAt, heap: await heapUsed(context, page) }
  } finally {
    await context.close()
  }
}

async function emptyRoomHeap(browser: Browser, server: MeshpadServer): Promise<number> {
  const context = await newPeerContext(browser)
  try {
    const page = await openMeshpad(context, server.url)
    await waitForSaved(page)
    return await heapUsed(context, page)
  } finally {
    await context.close()
  }
}

async function storageEstimate(page: Page): Promise<number> {
  return page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0)
}

const trace = loadTrace()
const kb = (bytes: number): string => `${Math.round(bytes).toLocaleString('en')} B`
const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`

// Anchors on this machine: the same replay and parse with Yjs alone in Node.
const nodeDoc = traceDoc()
let started = performance.now()
replayInto(nodeDoc.getText('content'), trace)
const nodeReplayMs = performance.now() - started
const encodedV1 = Y.encodeStateAsUpdate(nodeDoc)
const encodedV2 = Y.encodeStateAsUpdateV2(nodeDoc)
started = performance.now()
Y.applyUpdate(new Y.Doc(), encodedV1)
const nodeParseMs = performance.now() - started
const x20 = traceDocumentUpdate(trace, 20)

const measured = await withStage(async ({ browser, server }) => {
  const baselineHeap = await emptyRoomHeap(browser, server)

  const secret = newRoomSecret()
  const url = `${server.url}#${secret}`
  const context = await newPeerContext(browser, { editorLength: trace.endContent.length })
  const page = await openMeshpad(context, url)
  await waitForSaved(page)
  const replay = await replayInPage(page, trace)
  started = Date.now()
  await waitForSaved(page)
  const savedAfterMs = Date.now() - started
  const replayedText = await page.evaluate(() => window.meshpad?.session.text.toString())
  const editorText = await editorDocText(page)
  if (replayedText !== trace.endContent || editorText !== trace.endContent) throw new Error('the replayed document differs from the trace\'s endContent')
  const afterReplay = await storedBytes(context, server.url, secret)
  const compacted = await waitForCompaction(context, server.url, secret)
  const estimateAfterReplay = await storageEstimate(page)
  const replayHeap = await heapUsed(context, page)
  await page.close()

  const reopens: number[] = []
  const reopenLoads: number[] = []
  let holder: Page | null = null
  for (let i = 0; i < REOPENS; i++) {
    await holder?.close()
    const opened = await reopen(context, url, trace.endContent.length)
    holder = opened.page
    reopens.push(opened.editorFullAt)
    // From the workspace's opening, not the session's publication: the session's opening applies the stored copy.
    reopenLoads.push(opened.editorFullAt - opened.workspaceAt)
  }
  if (!holder) throw new Error('no reopen')
  await waitForSaved(holder)
  if ((await editorDocText(holder)) !== trace.endContent) throw new Error('reopened editor does not hold the trace\'s endContent')
  const afterReopen = await storedBytes(context, server.url, secret)
  const reopenedHeap = await heapUsed(context, holder)
  const fresh = await freshPeerSync(browser, holder, SYNC_TIMEOUT_MS)
  await context.close()

  // The same document in a signed room (an edit link, as every new document has): stored in one
  // browser, reopened, joined by a fresh one.
  const signedSecret = createEditFragment()
  const signedContext = await newPeerContext(browser, { editorLength: trace.endContent.length })
  await seedRoom(signedContext, server.url, signedSecret, traceDocumentUpdate(trace, 1))
  const signedHolder = await reopen(signedContext, `${server.url}#${signedSecret}`, trace.endContent.length)
  // Open a while before the newcomer comes, as the holder of the unsigned room above is.
  await waitForSaved(signedHolder.page)
  await pause(2_000)
  const signedFresh = await freshPeerSync(browser, signedHolder.page, SYNC_TIMEOUT_MS)
  await signedContext.close()

  // The trace ×20: stored in one browser, joined by a fresh one.
  const bigSecret = newRoomSecret()
  const bigContext = await newPeerContext(browser, { editorLength: trace.endContent.length * 20 })
  await seedRoom(bigContext, server.url, bigSecret, x20)
  const big = await reopen(bigContext, `${server.url}#${bigSecret}`, trace.endContent.length * 20)
  const bigFresh = await freshPeerSync(browser, big.page, SYNC_TIMEOUT_MS * 2)
  await bigContext.close()

  return {
    baselineHeap,
    replay,
    savedAfterMs,
    afterReplay,
    compacted,
    estimateAfterReplay,
    replayHeap,
    reopens,
    reopenLoads,
    afterReopen,
    reopenedHeap,
    fresh,
    signedFresh,
    big: { openMs: big.editorFullAt, fresh: bigFresh },
  }
})

const reopenStats = percentiles(measured.reopens)
const reopenLoadStats = percentiles(measured.reopenLoads)
const rows: BenchRow[] = [
  { figure: 'replay 259,778 edits as separate updates into a live room, wall time (of which in the edit loops)', meshpad: `${Math.round(measured.replay.wallMs).toLocaleString('en')} ms (${Math.round(measured.replay.loopMs).toLocaleString('en')} ms); all stored ${measured.savedAfterMs.toLocaleString('en')} ms later`, anchor: `${ANCHOR.replay}; Yjs alone in Node here: ${Math.round(nodeReplayMs).toLocaleString('en')} ms`, target: '—' },
  { figure: 'final text = trace endContent (Y.Text and the editor)', meshpad: 'yes (asserted)', anchor: '—', target: 'yes' },
  { figure: 'encoded document, replayed in Node (Yjs v1, what y-webrtc and y-indexeddb send and store; v2)', meshpad: `${kb(encodedV1.byteLength)} (v2 ${kb(encodedV2.byteLength)})`, anchor: ANCHOR.encoded, target: '—' },
  { figure: 'IndexedDB bytes right after the replay (records)', meshpad: `${kb(measured.afterReplay.bytes)} (${measured.afterReplay.records.toLocaleString('en')})`, anchor: '—', target: `≤ 2× encoded = ${kb(2 * encodedV1.byteLength)}` },
  { figure: 'IndexedDB bytes once y-indexeddb compacted (records)', meshpad: `${kb(measured.compacted.bytes)} (${measured.compacted.records})`, anchor: '—', target: `≤ ${kb(2 * encodedV1.byteLength)}` },
  { figure: 'IndexedDB bytes after reopening (records)', meshpad: `${kb(measured.afterReopen.bytes)} (${measured.afterReopen.records})`, anchor: '—', target: `≤ ${kb(2 * encodedV1.byteLength)}` },
  { figure: 'reopen: the page opening its workspace (session) → full text in the editor (p50 / p95 / p99)', meshpad: latencyCell(reopenLoadStats), anchor: `${ANCHOR.parse}; Yjs alone in Node here: ${nodeParseMs.toFixed(0)} ms`, target: '≤ 200 ms' },
  { figure: 'reopen: navigation start → full text in the editor (p50 / p95 / p99)', meshpad: latencyCell(reopenStats), anchor: '—', target: '—' },
  { figure: 'sync to a fresh peer: its navigation start → holding the whole document', meshpad: measured.fresh.syncedAt === null ? `never (waited ${SYNC_TIMEOUT_MS / 1000} s)` : `${measured.fresh.syncedAt.toFixed(0)} ms`, anchor: '—', target: '≤ 500 ms (joining)' },
  { figure: 'sync to a fresh peer, signed room (edit link, the document stored and reopened by the holder): its navigation start → holding the whole document', meshpad: measured.signedFresh.syncedAt === null ? `never (waited ${SYNC_TIMEOUT_MS / 1000} s)` : `${measured.signedFresh.syncedAt.toFixed(0)} ms`, anchor: '—', target: '≤ 500 ms (joining)' },
  { figure: 'JS heap of a peer holding it: reopened / fresh peer after sync (empty room: baseline)', meshpad: `${mb(measured.reopenedHeap)} / ${measured.fresh.heap === null ? 'n/a' : mb(measured.fresh.heap)} (baseline ${mb(measured.baselineHeap)}, so the document costs ≈ ${mb(measured.reopenedHeap - measured.baselineHeap)})`, anchor: ANCHOR.heap, target: '—' },
  { figure: `trace ×20 (${kb(x20.byteLength)} encoded, ${(trace.endContent.length * 20).toLocaleString('en')} chars): open from IndexedDB → full text in editor`, meshpad: `${measured.big.openMs.toFixed(0)} ms`, anchor: '—', target: '—' },
  { figure: 'trace ×20: sync to a fresh peer', meshpad: measured.big.fresh.syncedAt === null ? `does NOT sync (waited ${(2 * SYNC_TIMEOUT_MS) / 1000} s)` : `${measured.big.fresh.syncedAt.toFixed(0)} ms`, anchor: '—', target: 'syncs' },
]

writeBenchResult({
  name: 'trace',
  title: 'A real large document',
  rows,
  summary: { nodeReplayMs, nodeParseMs, encodedV1: encodedV1.byteLength, encodedV2: encodedV2.byteLength, x20Encoded: x20.byteLength, ...measured, reopenStats, reopenLoadStats },
  samples: { reopens: measured.reopens, reopenLoads: measured.reopenLoads },
  notes: [
    `The page replays the edits through the open session's Y.Text (editor bound, IndexedDB storing, signaling connected, no other peer), ${BATCH.toLocaleString('en')} edits per task with a zero-delay pause between tasks; "in the edit loops" is the time inside those loops, the figure comparable with B4.`,
    'IndexedDB bytes: the sum of the byte lengths of the values in the room\'s `updates` store (y-indexeddb keeps only Yjs updates there), read from another page of the same context; `navigator.storage.estimate()` is also in the JSON but counts LevelDB files and the HTTP cache too.',
    `Reopen: a new page in the same browser context (the IndexedDB copy persists), ${REOPENS} times, from navigation start, and from the page opening its workspace (its call to open the document library's database, right before the session, whose opening applies the stored copy), to the first DOM mutation after CodeMirror's document holds the whole text. Heap: \`Runtime.getHeapUsage\` after \`HeapProfiler.collectGarbage\`, of the whole page (React, CodeMirror, Yjs).`,
    'Encoded sizes: the same replay in Node with the same Yjs and a fixed client id (every reference to an earlier item carries the id as a varint, so a random id changes the v1 size by up to about 7 %). The anchor is v2-encoded; y-protocols, y-webrtc and y-indexeddb exchange and store v1.',
    `Anchors from the crdt-benchmarks README (Yjs 13.6, Node 20, i5-8400); "Yjs alone in Node here" is the same replay and parse on this machine. ${TRACE_CREDIT}`,
  ],
})
