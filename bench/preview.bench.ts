import { readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { gunzipSync } from 'node:zlib'
import type { Page } from '@playwright/test'
import * as Y from 'yjs'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { closePeers, latencyCell, ms, openPeer, pause, waitForLinks, withStage } from './support/benchPeers.ts'
import { measureTyping, PACE_MS, placeCaret, WARMUP_KEYS } from './support/measureTyping.ts'
import { openSeededPeer } from './support/seedRoom.ts'
import { traceDoc, tracePath } from './support/traceDocument.ts'

/**
 * The Markdown preview on a large document: does it hold up typing, and how soon does a remote
 * edit reach it? The document is the seph-blog1 trace's final text (a real Markdown blog post,
 * 56,769 characters) twice: 113,540 characters.
 *
 * - Local input: key press → the typist's own editor frame (the method of `input.bench.ts`), caret
 *   in the middle, a second peer connected, in alternating rounds with the preview closed and open.
 * - Remote edit: the second peer inserts a marker word; in the typist's page, the time from the
 *   editor's DOM showing it to the preview's DOM showing it (one page, one clock).
 * - Opening the preview: click → the first render of the whole document in the preview's DOM.
 */
const ROUNDS = 2
const KEYS_PER_ROUND = 100
const REMOTE_EDITS = 30
const SEPH_CREDIT = 'Trace: seph-blog1 (Joseph Gentle, editing-traces), CC BY 4.0.'

function markdownDocument(): { update: Uint8Array; length: number } {
  const path = `${dirname(tracePath())}/seph-blog1.json.gz`
  const { endContent } = JSON.parse(gunzipSync(readFileSync(path)).toString()) as { endContent: string }
  const doc = traceDoc()
  doc.getText('content').insert(0, `${endContent}\n\n${endContent}`)
  doc.getMap('meta').set('language', 'markdown')
  doc.getMap('meta').set('schemaVersion', 1)
  return { update: Y.encodeStateAsUpdate(doc), length: doc.getText('content').length }
}

/** Clicks the Preview toggle; when it opens the preview, resolves with the ms until its first render. */
async function togglePreview(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const started = performance.now()
        const toggle = Array.from(document.querySelectorAll('button')).find((button) => button.textContent === 'Preview')
        if (!toggle) throw new Error('no Preview toggle')
        const opening = toggle.getAttribute('aria-pressed') !== 'true'
        toggle.click()
        const check = (): void => {
          const body = document.querySelector('[data-testid="preview-body"]')
          if (!opening && body === null) resolve(0)
          else if (opening && body !== null && body.childElementCount > 0) resolve(performance.now() - started)
          else requestAnimationFrame(check)
        }
        check()
      }),
  )
}

/** In `page`: when each `mark<N>x` first appears in the editor's DOM and in the preview's. */
async function watchMarkers(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen = { editor: {} as Record<string, number>, preview: {} as Record<string, number> }
    Object.assign(window, { previewBench: seen })
    const scan = (into: Record<string, number>, nodes: Node[]): void => {
      const now = performance.now()
      for (const node of nodes) {
        for (const match of (node.textContent ?? '').matchAll(/mark(\d+)x/g)) into[match[1] as string] ??= now
      }
    }
    const watch = (target: Element, into: Record<string, number>): void =>
      new MutationObserver((records) => scan(into, records.flatMap((record) => [record.target, ...Array.from(record.addedNodes)]))).observe(target, {
        subtree: true,
        childList: true,
        characterData: true,
      })
    watch(document.querySelector('.cm-content') as Element, seen.editor)
    watch(document.querySelector('[data-testid="preview-body"]') as Element, seen.preview)
  })
}

const { update, length } = markdownDocument()
const results = await withStage(async ({ browser, server }) => {
  const typist = await openSeededPeer(browser, server.url, update, length)
  const other = await openPeer(browser, typist.page.url())
  try {
    await waitForLinks(typist.page, 1)
    const closed: number[] = []
    const open: number[] = []
    const opening: number[] = []
    let slowClosed = 0
    let slowOpen = 0
    for (let round = 0; round < ROUNDS; round++) {
      await placeCaret(typist.page, 'middle')
      const withoutPreview = await measureTyping(typist.page, KEYS_PER_ROUND)
      closed.push(...withoutPreview.latencies)
      slowClosed += withoutPreview.slowEvents
      opening.push(await togglePreview(typist.page))
      await placeCaret(typist.page, 'middle')
      const withPreview = await measureTyping(typist.page, KEYS_PER_ROUND)
      open.push(...withPreview.latencies)
      slowOpen += withPreview.slowEvents
      if (round < ROUNDS - 1) await togglePreview(typist.page)
    }

    // Remote edits, preview open in the typist's page, both carets in the middle.
    await watchMarkers(typist.page)
    await placeCaret(typist.page, 'middle')
    await placeCaret(other.page, 'middle')
    type Seen = { previewBench: { editor: Record<string, number>; preview: Record<string, number> } }
    for (let i = 0; i < REMOTE_EDITS; i++) {
      await other.page.keyboard.insertText(`mark${i}x `)
      await typist.page.waitForFunction((n) => (window as unknown as Seen).previewBench.preview[n] !== undefined, String(i), { timeout: 30_000 })
      await pause(100)
    }
    const seen = await typist.page.evaluate(() => (window as unknown as Seen).previewBench)
    const remote = Array.from({ length: REMOTE_EDITS }, (_, i) => (seen.preview[i] as number) - (seen.editor[i] as number))
    return { closed, open, opening, remote, slowClosed, slowOpen }
  } finally {
    await closePeers([typist, other])
  }
})

const closed = percentiles(results.closed)
const open = percentiles(results.open)
const remote = percentiles(results.remote)
const keys = ROUNDS * KEYS_PER_ROUND
const rows: BenchRow[] = [
  {
    figure: 'key press → own editor frame, 113 kB Markdown, preview open (p50 / p95 / p99)',
    meshpad: latencyCell(open),
    anchor: `preview closed, same page, alternating rounds: ${latencyCell(closed)}`,
    target: 'p50 within 2 ms of closed',
  },
  {
    figure: 'p50 difference, preview open − closed',
    meshpad: ms(open.p50 - closed.p50),
    anchor: '—',
    target: '≤ 2 ms',
  },
  {
    figure: 'key events ≥ 16 ms by the Event Timing API, preview open',
    meshpad: `${results.slowOpen} of ${keys * 3}`,
    anchor: `preview closed: ${results.slowClosed} of ${keys * 3}`,
    target: '0',
  },
  {
    figure: "remote edit: in the editor's DOM → in the preview's DOM (p50 / p95 / p99)",
    meshpad: latencyCell(remote),
    anchor: '—',
    target: '≤ 16.7 ms, or rendered off the main thread (it is: a Web Worker)',
  },
  {
    figure: 'opening the preview: click → whole document rendered in it',
    meshpad: results.opening.map(ms).join(', '),
    anchor: '—',
    target: '—',
  },
]

writeBenchResult({
  name: 'preview',
  title: 'Markdown preview',
  rows,
  summary: { closed, open, remote, opening: results.opening, slowClosed: results.slowClosed, slowOpen: results.slowOpen },
  samples: { closed: results.closed, open: results.open, remote: results.remote },
  notes: [
    `Document: the seph-blog1 trace's final text twice (${length.toLocaleString('en')} characters of Markdown), stored before opening; a second peer connected. ${SEPH_CREDIT}`,
    `Local input: ${ROUNDS} rounds of ${KEYS_PER_ROUND} key presses with the preview closed, then open (after ${WARMUP_KEYS} unmeasured keys each, one every ${PACE_MS} ms plus the press), caret in the middle; method of the input benchmark.`,
    'The preview renders in a Web Worker (markdown-it): other people\'s changes at the next idle period, the typist\'s own on a 250 ms pause or at least once a second; the page sanitises and replaces only the blocks that changed, when idle.',
    `Remote edits: ${REMOTE_EDITS} marker words inserted by the other peer, one at a time; the interval includes waiting for an idle period, the worker's render of the whole document and the page's patch.`,
    'The machine was shared with other jobs while this ran (2 cores): figures are noisier than on an idle machine.',
  ],
})
