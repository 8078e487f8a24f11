import type { Page } from '@playwright/test'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { closePeers, latencyCell, openRoom, pause, timeOrigin, withStage } from './support/benchPeers.ts'

/**
 * Typing latency between peers: a real key press in A (Chromium input via the DevTools protocol)
 * → the character in each other peer's editor DOM, in rooms of 2, 4 and 8 peers, each peer its own
 * browser context, over real WebRTC through the real server.
 *
 * Clock: pages on one machine share one, `performance.timeOrigin + performance.now()`. A stamps
 * each keydown (a capturing listener on window, registered before the app's) by the text length
 * it will produce; each receiver stamps the first DOM mutation of its editor that shows that
 * length (a MutationObserver on `.cm-content`; CodeMirror writes its DOM synchronously when it
 * applies a change). Only A types, at the end, one character per key.
 */
const SIZES = [2, 4, 8] as const
const WARMUP_KEYS = 10
const KEYS = 200
/** Between key presses: a fast typist (25 keys/s), not a burst. */
const PACE_MS = 40

interface Stamps {
  [length: string]: number
}

async function stampKeydowns(page: Page): Promise<void> {
  await page.evaluate(() => {
    const session = window.meshpad?.session
    if (!session) throw new Error('no session')
    const keydown: Record<number, number> = {}
    const localUpdate: Record<number, number> = {}
    Object.assign(window, { typingBench: { keydown, localUpdate } })
    window.addEventListener('keydown', () => void (keydown[session.text.length + 1] = performance.now()), { capture: true })
    session.doc.on('beforeTransaction', (transaction: { local: boolean }) => {
      if (transaction.local) localUpdate[session.text.length + 1] ??= performance.now()
    })
  })
}

async function stampArrivals(page: Page): Promise<void> {
  await page.evaluate(() => {
    const session = window.meshpad?.session
    if (!session) throw new Error('no session')
    const received: Record<number, number> = {}
    const rendered: Record<number, number> = {}
    Object.assign(window, { typingBench: { received, rendered } })
    // NOTE: duplicates (relayed copies of an update already applied) are transactions too; only
    // one that made the text longer counts as the arrival.
    let startedAt = 0
    session.doc.on('beforeTransaction', () => void (startedAt = performance.now()))
    session.doc.on('afterTransaction', () => void (received[session.text.length] ??= startedAt))
    new MutationObserver(() => void (rendered[session.text.length] ??= performance.now())).observe(
      document.querySelector('.cm-content') as Node,
      { childList: true, subtree: true, characterData: true },
    )
  })
}

async function readStamps(page: Page): Promise<Record<string, Stamps>> {
  return page.evaluate(() => (window as unknown as { typingBench: Record<string, Record<string, number>> }).typingBench)
}

interface SizeResult {
  latencies: number[]
  inputToUpdate: number[]
  updateToReceived: number[]
  receivedToRendered: number[]
}

/** Signed: a new room's v2 edit link; unsigned: a v1 `#SECRET` link, where nothing is signed. */
type Signatures = 'signed' | 'unsigned'

async function measureRoom(size: number, signatures: Signatures): Promise<SizeResult> {
  return withStage(async ({ browser, server }) => {
    const fragment = signatures === 'signed' ? '' : `bench-v1-${size}-${Date.now().toString(36)}`
    const peers = await openRoom(browser, server, size, fragment)
    try {
      const [a, ...others] = peers as [(typeof peers)[0], ...typeof peers]
      await stampKeydowns(a.page)
      await Promise.all(others.map((peer) => stampArrivals(peer.page)))
      await a.page.locator('.cm-content').click()
      await a.page.keyboard.press('Control+End')
      const start = await a.page.evaluate(() => window.meshpad?.session.text.length ?? 0)
      for (let i = 0; i < WARMUP_KEYS + KEYS; i++) {
        await a.page.keyboard.press(String.fromCharCode(97 + (i % 26)))
        await pause(PACE_MS)
      }
      const end = start + WARMUP_KEYS + KEYS
      await Promise.all(
        others.map((peer) => peer.page.waitForFunction((n) => window.meshpad?.session.text.length === n, end, { timeout: 30_000 })),
      )
      const sender = await readStamps(a.page)
      const senderOrigin = await timeOrigin(a.page)
      const result: SizeResult = { latencies: [], inputToUpdate: [], updateToReceived: [], receivedToRendered: [] }
      for (let length = start + WARMUP_KEYS + 1; length <= end; length++) {
        const keydown = sender.keydown?.[length]
        const local = sender.localUpdate?.[length]
        if (keydown === undefined || local === undefined) throw new Error(`A recorded no keydown/update for length ${length}`)
        result.inputToUpdate.push(local - keydown)
      }
      for (const peer of others) {
        const stamps = await readStamps(peer.page)
        const offset = (await timeOrigin(peer.page)) - senderOrigin
        for (let length = start + WARMUP_KEYS + 1; length <= end; length++) {
          const keydown = sender.keydown?.[length] as number
          const local = sender.localUpdate?.[length] as number
          const received = stamps.received?.[length]
          const rendered = stamps.rendered?.[length]
          if (received === undefined || rendered === undefined) throw new Error(`a receiver never showed length ${length}`)
          result.latencies.push(rendered + offset - keydown)
          result.updateToReceived.push(received + offset - local)
          result.receivedToRendered.push(rendered - received)
        }
      }
      return result
    } finally {
      await closePeers(peers)
    }
  })
}

const TARGETS: Record<number, string> = { 2: 'p50 ≤ 3 ms, p99 ≤ 16 ms', 4: '—', 8: 'p99 ≤ 33 ms' }

const rows: BenchRow[] = []
const summary: Record<string, unknown> = {}
const samples: Record<string, unknown> = {}
const LABELS: Record<Signatures, string> = { signed: 'signed (v2 link)', unsigned: 'unsigned (v1 #SECRET link)' }
for (const size of SIZES) for (const signatures of ['signed', 'unsigned'] as const) {
  const result = await measureRoom(size, signatures)
  const total = percentiles(result.latencies)
  const stages = {
    'keydown → Y update in A': percentiles(result.inputToUpdate),
    'Y update in A → update received by peer': percentiles(result.updateToReceived),
    'received → rendered in peer DOM': percentiles(result.receivedToRendered),
  }
  console.log(`[bench] typing ${size} peers, ${signatures}: ${latencyCell(total)}`)
  rows.push({
    figure: `key press in A → char in each other peer's editor DOM, ${size} peers, ${LABELS[signatures]} (p50 / p95 / p99)`,
    meshpad: latencyCell(total),
    anchor: size === 2 ? 'prototype here: ≈ 7 ms median (DESIGN.md)' : '—',
    target: TARGETS[size] ?? '—',
  })
  rows.push({
    figure: `…of which, ${size} peers, ${signatures} (p50): keydown → A's Y update / → received by peer / → peer DOM`,
    meshpad: Object.values(stages)
      .map((stage) => `${stage.p50.toFixed(1)}`)
      .join(' / ') + ' ms',
    anchor: '—',
    target: '—',
  })
  summary[`${size} peers, ${signatures}`] = { total, ...stages, keys: KEYS, receivers: size - 1 }
  samples[`${size} peers, ${signatures}`] = result
}

writeBenchResult({
  name: 'typing',
  title: 'Typing latency between peers',
  rows,
  summary,
  samples,
  notes: [
    'Each room size runs twice: in a new room (v2 edit link: every update Ed25519-signed by A and verified by each receiver before it is applied) and in a v1 `#SECRET` room (nothing signed), so the cost of signatures reads off the pair of rows.',
    `${KEYS} key presses per room size after ${WARMUP_KEYS} unmeasured ones, one every ${PACE_MS} ms plus the time the press takes; a sample is one (key press, receiving peer) pair, so n = keys × (peers − 1).`,
    'Key presses are real Chromium input events (Playwright → DevTools protocol). A stamps its capturing keydown listener; each receiver stamps the first mutation of its `.cm-content` showing the new length. All pages share one clock (`performance.timeOrigin + performance.now()`).',
    'Breakdown: "keydown → Y update" is CodeMirror reading the input until the Yjs transaction starts; "→ received" runs from that transaction to the start of the receiver\'s transaction applying it (A\'s update handlers, y-webrtc, the data channel, the receiver\'s message dispatch); "→ DOM" is applying it and CodeMirror\'s DOM write.',
  ],
})
