import type { Browser, Page } from '@playwright/test'
import * as Y from 'yjs'
import { commentAnchor } from '../src/document/comments/commentAnchor.ts'
import { appendCommentRecord, commentRecords } from '../src/document/comments/commentRecords.ts'
import { decodeAnchorPosition } from '../src/document/comments/commentAnchor.ts'
import { resolveAnchors } from '../src/document/comments/resolveAnchors.ts'
import { signCommentRecord } from '../src/document/comments/signCommentRecord.ts'
import { memoryDeviceKey } from '../src/presence/deviceKey.ts'
import { roomTopic } from '../src/room/roomTopic.ts'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { latencyCell, newPeerContext, openMeshpad, waitForLinks, withStage, type BenchPeer } from './support/benchPeers.ts'
import { KEYS, measureTyping, placeCaret } from './support/measureTyping.ts'
import { newRoomSecret, seedRoom } from './support/seedRoom.ts'
import { loadTrace, replayInto, TRACE_CREDIT, traceDoc } from './support/traceDocument.ts'
import { measureTypingLatency, TYPING_KEYS } from './support/typingLatency.ts'

/**
 * Comments on a large document: the automerge-paper trace with 1,000 threads (one reply each),
 * against the same document without comments. Each room holds two peers (their own browser
 * contexts, both opened from a stored copy, over real WebRTC): typing latency in A's own frame and
 * A → B, opening the comments panel, and the document's size.
 */
const THREADS = 1000
const PANEL_REOPENS = 5
const trace = loadTrace()

/** The trace's document for the room `secret`, with `threads` threads signed for its topic. */
async function documentWith(secret: string, threads: number): Promise<{ update: Uint8Array; placeMs: number }> {
  const doc = traceDoc()
  const text = doc.getText('content')
  replayInto(text, trace)
  const device = await memoryDeviceKey()
  const topic = roomTopic(secret)
  const span = Math.floor((text.length - 20) / Math.max(1, threads))
  for (let i = 0; i < threads; i++) {
    const anchor = commentAnchor(text, i * span, i * span + 12)!
    const thread = await signCommentRecord(device, topic, { kind: 'thread', name: 'Bench', text: `Comment ${i} on these words.`, ...anchor })
    appendCommentRecord(doc, thread)
    appendCommentRecord(doc, await signCommentRecord(device, topic, { kind: 'reply', name: 'Bench', on: thread.id, text: `Reply to comment ${i}.` }))
  }
  // Placing every thread's words once, in Node: what a page does after the text rests.
  const anchors = commentRecords(doc)
    .toArray()
    .filter((record) => (record as { kind?: string }).kind === 'thread')
    .map((record) => {
      const { start, end, quote, len } = record as { start: string; end: string; quote: string; len: number }
      return { start: decodeAnchorPosition(start), end: decodeAnchorPosition(end), quote, len }
    })
  const runs: number[] = []
  for (let i = 0; i < 7; i++) {
    const started = performance.now()
    resolveAnchors(text, anchors)
    runs.push(performance.now() - started)
  }
  return { update: Y.encodeStateAsUpdate(doc), placeMs: percentiles(runs).p50 }
}

/** Two peers holding `update` in the room `secret`, connected over WebRTC. */
async function seededRoom(browser: Browser, origin: string, secret: string, update: Uint8Array): Promise<BenchPeer[]> {
  const peers: BenchPeer[] = []
  for (let i = 0; i < 2; i++) {
    const context = await newPeerContext(browser)
    await seedRoom(context, origin, secret, update)
    const page = await openMeshpad(context, new URL(`/#${secret}`, origin).href)
    await page.waitForFunction((n) => window.meshpad?.session.text.length === n, trace.endContent.length, { timeout: 60_000 })
    peers.push({ context, page })
  }
  await waitForLinks(peers[0]!.page, 1)
  return peers
}

/** Waits until the page shows `count` open threads on its "Comments" toggle (all read and checked). */
async function waitForThreads(page: Page, count: number): Promise<void> {
  if (count === 0) return
  await page.getByRole('button', { name: `Comments (${count})` }).waitFor({ timeout: 60_000 })
}

/**
 * Click on "Comments" → the frame after the panel lists its threads (all `count`, or its first
 * page and "Show more comments"); then closes it.
 */
async function openPanel(page: Page, count: number): Promise<number> {
  return page.evaluate(async (n) => {
    const toggle = Array.from(document.querySelectorAll('button')).find((button) => button.textContent?.startsWith('Comments'))
    if (!toggle) throw new Error('no Comments toggle')
    const started = performance.now()
    toggle.click()
    await new Promise<void>((resolve) => {
      const look = (): void => {
        const listed = document.querySelectorAll('[data-testid="comment-thread"]').length
        if (listed >= n || (listed > 0 && document.querySelector('.more-threads') !== null)) resolve()
        else requestAnimationFrame(look)
      }
      look()
    })
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
    const took = performance.now() - started
    toggle.click()
    // The editor settles at its full width again before the next opening (as between two clicks of a person).
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200)))
    return took
  }, count)
}

type Kind = 'with' | 'without'
const ORDER: readonly Kind[] = ['without', 'with', 'with', 'without']
const secrets: Record<Kind, string> = { with: newRoomSecret(), without: newRoomSecret() }
const docs: Record<Kind, Awaited<ReturnType<typeof documentWith>>> = {
  with: await documentWith(secrets.with, THREADS),
  without: await documentWith(secrets.without, 0),
}

const results: Record<Kind, { own: number[]; remote: number[]; panelFirst: number[]; panel: number[] }> = {
  with: { own: [], remote: [], panelFirst: [], panel: [] },
  without: { own: [], remote: [], panelFirst: [], panel: [] },
}
await withStage(async ({ browser, server }) => {
  for (const [round, kind] of ORDER.entries()) {
    // Each room of a kind gets a new secret (a new room), signed for anew when it has comments.
    const secret = round < 2 ? secrets[kind] : newRoomSecret()
    const update = round < 2 ? docs[kind].update : (await documentWith(secret, kind === 'with' ? THREADS : 0)).update
    const count = kind === 'with' ? THREADS : 0
    const latency = await measureTypingLatency(browser, server.url, 2, TYPING_KEYS / 2, async () => {
      const peers = await seededRoom(browser, server.url, secret, update)
      await waitForThreads(peers[0]!.page, count)
      await placeCaret(peers[0]!.page, 'middle')
      results[kind].own.push(...(await measureTyping(peers[0]!.page, KEYS / 2)).latencies)
      if (count > 0) {
        results[kind].panelFirst.push(await openPanel(peers[0]!.page, count))
        for (let i = 0; i < PANEL_REOPENS; i++) results[kind].panel.push(await openPanel(peers[0]!.page, count))
      }
      // B shows the end of the document, where A types next: an editor draws only what is in view.
      await placeCaret(peers[1]!.page, 'end')
      return peers
    })
    results[kind].remote.push(...latency.latencies)
  }
})

const kb = (bytes: number): string => `${Math.round(bytes).toLocaleString('en')} B`
const own = { with: percentiles(results.with.own), without: percentiles(results.without.own) }
const remote = { with: percentiles(results.with.remote), without: percentiles(results.without.remote) }
const panel = percentiles(results.with.panel)
const rows: BenchRow[] = [
  { figure: `key press → own editor's next frame, caret mid-document, ${THREADS.toLocaleString('en')} threads (p50 / p95 / p99)`, meshpad: latencyCell(own.with), anchor: `same document without comments, same run: ${latencyCell(own.without)}`, target: 'within 1 ms of without' },
  { figure: `key press in A → char in B's editor DOM, ${THREADS.toLocaleString('en')} threads (p50 / p95 / p99)`, meshpad: latencyCell(remote.with), anchor: `same document without comments, same run: ${latencyCell(remote.without)}`, target: 'within 1 ms of without' },
  { figure: `open the comments panel of ${THREADS.toLocaleString('en')} threads: click → the frame listing its first page (20, then "Show more"), first open (its code loaded then) / later opens p50 (max)`, meshpad: `${results.with.panelFirst.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} / ${panel.p50.toFixed(0)} ms (${panel.max.toFixed(0)} ms)`, anchor: '—', target: '≤ 100 ms' },
  { figure: 'encoded document (Yjs v1): with comments / without', meshpad: `${kb(docs.with.update.byteLength)} / ${kb(docs.without.update.byteLength)} (+${kb(docs.with.update.byteLength - docs.without.update.byteLength)}, ×${(docs.with.update.byteLength / docs.without.update.byteLength).toFixed(2)})`, anchor: '—', target: '—' },
  { figure: `placing all ${THREADS.toLocaleString('en')} threads' words once (one walk of the text's items), Node, median of 7`, meshpad: `${docs.with.placeMs.toFixed(1)} ms`, anchor: '—', target: '—' },
]
console.log(rows.map((row) => `[bench] ${row.figure}: ${row.meshpad} (${row.anchor})`).join('\n'))

writeBenchResult({
  name: 'comments',
  title: 'Comments on a large document',
  rows,
  summary: { own, remote, panel, panelFirst: results.with.panelFirst, bytes: { with: docs.with.update.byteLength, without: docs.without.update.byteLength }, placeMs: docs.with.placeMs },
  samples: results,
  notes: [
    `The automerge-paper trace (104,852 characters) replayed in Node; "with": ${THREADS.toLocaleString('en')} threads of 12 characters spread evenly over it, each with one reply (${(2 * THREADS).toLocaleString('en')} records signed by one device key for the room's topic). Both peers of a room open it from a stored copy (seeded IndexedDB), connect over WebRTC, and A waits until all threads are checked and marked before typing. ${TRACE_CREDIT}`,
    `Rooms without and with comments take turns (without, with, with, without), each with half the key presses: ${KEYS / 2} own-frame keys (caret in the middle, method of bench/input.bench.ts) then ${TYPING_KEYS / 2} keys at the end measured A → B (method of bench/typing.bench.ts).`,
    'Between placements of the threads (after the text rests 250 ms), the editor keeps its marks in place by mapping them through each change; typing at a steady pace places them once typing pauses.',
    `Panel: a click on "Comments" from the page itself → the first animation frame (plus a task) after its first page of threads is in the DOM, which includes the editor laying out the 104,852-character document again at its narrower width; the first open after the page loaded the panel's code ahead (a document with comments does), then ${PANEL_REOPENS} more opens, each 200 ms after the panel closed.`,
  ],
})
