import type { Browser, Page } from '@playwright/test'
import { closePeers, openPeer, pause, waitForLinks, type BenchPeer } from './benchPeers.ts'

/** Key presses before measuring (first layout, first frames). */
export const WARMUP_KEYS = 10
/** Time between key presses, besides the press itself. */
export const PACE_MS = 50
/** Measured key presses, unless a caller asks for another count. */
export const KEYS = 200

/** Samples of one run: latencies in ms, and the key events Event Timing saw at ≥ 16 ms. */
export interface OwnFrameLatency {
  latencies: number[]
  slowEvents: number
  slowestEvent: number
}

/**
 * Presses `keys` letter keys in `page` (after `WARMUP_KEYS` unmeasured ones) and measures each:
 * the keydown's `event.timeStamp` (when Chromium created the input event) → a message posted from
 * the first `requestAnimationFrame` callback after the key, which runs once that frame's style,
 * layout and paint work on the main thread is done. The Event Timing API only reports events of
 * 16 ms or more (its minimum threshold), so it is used as a cross-check: how many key events it
 * saw at ≥ 16 ms (keydown/keypress/input, duration includes presentation).
 */
export async function measureTyping(page: Page, keys = KEYS): Promise<OwnFrameLatency> {
  await page.evaluate(() => {
    const latencies: number[] = []
    const slow: number[] = []
    const bench = { latencies, slow, since: 0 }
    Object.assign(window, { inputBench: bench })
    window.addEventListener(
      'keydown',
      (event) => {
        const pressedAt = event.timeStamp
        requestAnimationFrame(() => {
          const channel = new MessageChannel()
          channel.port1.onmessage = () => void latencies.push(performance.now() - pressedAt)
          channel.port2.postMessage(null)
        })
      },
      { capture: true },
    )
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (['keydown', 'keypress', 'input'].includes(entry.name) && entry.startTime >= bench.since) slow.push(entry.duration)
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: false } as PerformanceObserverInit)
  })
  type Recorded = { inputBench: { latencies: number[]; slow: number[]; since: number } }
  for (let i = 0; i < WARMUP_KEYS + keys; i++) {
    if (i === WARMUP_KEYS) {
      // Forget the warm-up keys (first layout, first frames).
      await page.waitForFunction((n) => (window as unknown as Recorded).inputBench.latencies.length >= n, WARMUP_KEYS)
      await page.evaluate(() => {
        const bench = (window as unknown as Recorded).inputBench
        bench.latencies.length = 0
        bench.slow.length = 0
        // The observer reports in batches; entries of earlier events may still arrive.
        bench.since = performance.now()
      })
    }
    await page.keyboard.press(String.fromCharCode(97 + (i % 26)))
    await pause(PACE_MS)
  }
  await page.waitForFunction((n) => (window as unknown as Recorded).inputBench.latencies.length >= n, keys)
  const { latencies, slow } = await page.evaluate(() => (window as unknown as Recorded).inputBench)
  return { latencies, slowEvents: slow.length, slowestEvent: Math.max(0, ...slow) }
}

/** Puts the caret at `position` of the editor's document and focuses it. */
export async function placeCaret(page: Page, position: 'end' | 'middle'): Promise<void> {
  await page.locator('.cm-content').click()
  await page.evaluate((where) => {
    const content = document.querySelector('.cm-content') as Element & {
      cmTile?: { root?: { view?: { state: { doc: { length: number } }; dispatch(spec: unknown): void; focus(): void } } }
    }
    const view = content.cmTile?.root?.view
    if (!view) throw new Error('no CodeMirror view')
    const length = view.state.doc.length
    view.dispatch({ selection: { anchor: where === 'end' ? length : Math.floor(length / 2) }, scrollIntoView: true })
    view.focus()
  }, position)
}

/**
 * Types in `typist` with a second peer connected (so every key is also stored and sent), caret at
 * `caret`; closes both afterwards. Works on any page exposing `window.meshpad.session`: Meshpad and
 * the stock stack's page (bench/stock.bench.ts).
 */
export async function typeWithSecondPeer(browser: Browser, typist: BenchPeer, caret: 'end' | 'middle'): Promise<OwnFrameLatency> {
  const other = await openPeer(browser, typist.page.url())
  try {
    await waitForLinks(typist.page, 1)
    await placeCaret(typist.page, caret)
    return await measureTyping(typist.page)
  } finally {
    await closePeers([typist, other])
  }
}
