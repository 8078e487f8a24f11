import type { Browser } from '@playwright/test'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { KEYS, measureTyping, PACE_MS, typeWithSecondPeer, WARMUP_KEYS } from './support/measureTyping.ts'
import { latencyCell, newPeerContext, openPeer, withStage } from './support/benchPeers.ts'
import { openSeededPeer } from './support/seedRoom.ts'
import { loadTrace, TRACE_CREDIT, traceDocumentUpdate } from './support/traceDocument.ts'

/**
 * Local input latency: a real key press → the next frame of the typist's own editor, with one
 * other peer connected (so every key is also stored and sent, as in real use), in an empty
 * document and in the large one (the automerge-paper trace, caret in the middle of it). The stock
 * stack's figure (empty document) is in bench/stock.bench.ts, measured beside Meshpad's in one run.
 *
 * Method: the keydown's `event.timeStamp` (when Chromium created the input event) → a message
 * posted from the first `requestAnimationFrame` callback after the key, which runs once that
 * frame's style, layout and paint work on the main thread is done. The Event Timing API only
 * reports events of 16 ms or more (its minimum threshold), so it is used as a cross-check: how
 * many key events it saw at ≥ 16 ms (keydown/keypress/input, duration includes presentation).
 */

/** The same key presses into a plain <textarea> in this browser: the floor of the method here. */
async function plainTextarea(browser: Browser) {
  const context = await newPeerContext(browser)
  try {
    const page = await context.newPage()
    await page.setContent('<textarea rows="20" cols="80" aria-label="plain"></textarea>')
    await page.locator('textarea').focus()
    return await measureTyping(page)
  } finally {
    await context.close()
  }
}

const trace = loadTrace()
const update = traceDocumentUpdate(trace, 1)
const results = await withStage(async ({ browser, server }) => ({
  'plain textarea': await plainTextarea(browser),
  'empty document': await typeWithSecondPeer(browser, await openPeer(browser, server.url), 'end'),
  'large document': await typeWithSecondPeer(browser, await openSeededPeer(browser, server.url, update, trace.endContent.length), 'middle'),
}))

const rows: BenchRow[] = []
const summary: Record<string, unknown> = {}
const samples: Record<string, unknown> = {}
const floor = percentiles(results['plain textarea'].latencies)
for (const [label, result] of Object.entries(results)) {
  const stats = percentiles(result.latencies)
  summary[label] = { ...stats, eventTimingAtLeast16ms: result.slowEvents, slowestEventMs: result.slowestEvent }
  samples[label] = result.latencies
  if (label === 'plain textarea') continue
  rows.push({
    figure: `key press → own editor's next frame, ${label} (p50 / p95 / p99)`,
    meshpad: latencyCell(stats),
    anchor: `a plain <textarea>, same browser and run: ${latencyCell(floor)}`,
    target: 'p99 ≤ 16 ms',
  })
  rows.push({
    figure: `key events ≥ 16 ms by the Event Timing API, ${label}`,
    meshpad: `${result.slowEvents} of ${KEYS * 3}`,
    anchor: `plain <textarea>: ${results['plain textarea'].slowEvents} of ${KEYS * 3}`,
    target: '0',
  })
}

writeBenchResult({
  name: 'input',
  title: 'Local input latency',
  rows,
  summary,
  samples,
  notes: [
    `${KEYS} key presses per document after ${WARMUP_KEYS} unmeasured ones, one every ${PACE_MS} ms plus the press; a second peer is connected, so each key is also stored in IndexedDB and sent.`,
    'Latency: keydown `event.timeStamp` → a MessageChannel message posted from the next `requestAnimationFrame` callback, i.e. after the frame that shows the character has done its main-thread style, layout and paint (software compositing; no GPU here).',
    'Event Timing reports only events of 16 ms or more and rounds durations to 8 ms, so its count is of key events over about 12 ms (keydown, keypress and input of each key: 3 per key).',
    'Anchor: the same key presses, measured the same way, into a plain `<textarea>` on an otherwise empty page in the same browser during the same run: the floor that frame alignment (a frame every 16.7 ms) and this machine set for the method.',
    `Large document: the automerge-paper trace (104,852 characters), stored before opening, caret in the middle. ${TRACE_CREDIT}`,
  ],
})
