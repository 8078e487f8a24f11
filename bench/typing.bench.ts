import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { latencyCell, withStage } from './support/benchPeers.ts'
import { DOCUMENT_MESSAGES, measureTypingLatency, mergedTypingLatency, sentPerKey, TYPING_KEYS as KEYS, TYPING_PACE_MS as PACE_MS, TYPING_WARMUP_KEYS as WARMUP_KEYS, type TypingLatency } from './support/typingLatency.ts'

/**
 * Typing latency between peers: a real key press in A → the character in each other peer's editor
 * DOM, in rooms of 2, 4 and 8 peers, each peer its own browser context, over real WebRTC through
 * the real server (method: bench/support/typingLatency.ts). The stock stack's figure for 2 peers
 * is in bench/stock.bench.ts, measured beside Meshpad's in one run.
 */
const SIZES = [2, 4, 8] as const

const TARGETS: Record<number, string> = { 2: 'p50 ≤ 3 ms, p99 ≤ 16 ms', 4: '—', 8: 'p99 ≤ 33 ms' }

/** Signed: a new room's v2 edit link; unsigned: a v1 `#SECRET` link, where nothing is signed. */
type Signatures = 'signed' | 'unsigned'
const LABELS: Record<Signatures, string> = { signed: 'signed (v2 link)', unsigned: 'unsigned (v1 #SECRET link)' }

/**
 * Each size's two kinds of room take turns (signed, unsigned, unsigned, signed), half the
 * keys each time, so a drift in the machine's load during the pair favours neither.
 */
const ORDER = ['signed', 'unsigned', 'unsigned', 'signed'] as const
const KEYS_PER_ROOM = KEYS / 2

async function measure(size: number, signatures: Signatures): Promise<TypingLatency> {
  return withStage(({ browser, server }) =>
    measureTypingLatency(browser, signatures === 'signed' ? server.url : `${server.url}#bench-v1-${size}-${Date.now().toString(36)}`, size, KEYS_PER_ROOM),
  )
}

const rows: BenchRow[] = []
const summary: Record<string, unknown> = {}
const samples: Record<string, unknown> = {}
for (const size of SIZES) {
  const results: Record<Signatures, TypingLatency[]> = { signed: [], unsigned: [] }
  for (const signatures of ORDER) results[signatures].push(await measure(size, signatures))
  const both = { signed: mergedTypingLatency(results.signed), unsigned: mergedTypingLatency(results.unsigned) }
  for (const signatures of ['signed', 'unsigned'] as const) report(size, signatures, both[signatures])
  const [signed, unsigned] = [percentiles(both.signed.latencies), percentiles(both.unsigned.latencies)]
  rows.push({
    figure: `${size} peers: signed − unsigned (p50 / p99)`,
    meshpad: `${(signed.p50 - unsigned.p50).toFixed(1)} / ${(signed.p99 - unsigned.p99).toFixed(1)} ms`,
    anchor: '—',
    target: size === 2 ? '—' : '≤ +1 ms',
  })
  const bytes = (kind: Signatures): string => `${sentPerKey(both[kind], DOCUMENT_MESSAGES).bytes.toFixed(1)} B`
  rows.push({
    figure: `${size} peers: A's data-channel bytes per key press and receiving peer, document messages, signed / unsigned`,
    meshpad: `${bytes('signed')} / ${bytes('unsigned')}`,
    anchor: 'stock stack: see “Meshpad beside the stock stack”',
    target: '—',
  })
}

function report(size: number, signatures: Signatures, result: TypingLatency): void {
  const total = percentiles(result.latencies)
  const stages = {
    'keydown → Y update in A': percentiles(result.inputToUpdate),
    'Y update in A → its first data-channel send in A': percentiles(result.updateToSent),
    'Y update in A → update received by peer': percentiles(result.updateToReceived),
    'received → rendered in peer DOM': percentiles(result.receivedToRendered),
  }
  console.log(`[bench] typing ${size} peers, ${signatures}: ${latencyCell(total)}`)
  rows.push({
    figure: `key press in A → char in each other peer's editor DOM, ${size} peers, ${LABELS[signatures]} (p50 / p95 / p99)`,
    meshpad: latencyCell(total),
    anchor: size === 2 ? 'stock stack: see “Meshpad beside the stock stack” (measured there side by side)' : '—',
    target: TARGETS[size] ?? '—',
  })
  rows.push({
    figure: `…of which, ${size} peers, ${signatures} (p50): keydown → A's Y update / (→ sent by A) / → received by peer / → peer DOM`,
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
    'Each room size runs in two kinds of room: new rooms (v2 edit link: every update Ed25519-signed by A and verified by each receiver before it is applied) and v1 `#SECRET` rooms (nothing signed), so the cost of signatures reads off the pair of rows. The two take turns (signed, unsigned, unsigned, signed; a new server, browser and room each time, half the keys each), so a drift in the machine\'s load favours neither.',
    "In signed rooms A signs synchronously with a pure-JS Ed25519 (noble), loaded on A's first own edit (during the unmeasured keys), so an update leaves in the task that made it; receivers verify with WebCrypto.",
    `${KEYS} key presses per room size and kind (${KEYS_PER_ROOM} in each of its two rooms, after ${WARMUP_KEYS} unmeasured ones), one every ${PACE_MS} ms plus the time the press takes; a sample is one (key press, receiving peer) pair, so n = keys × (peers − 1).`,
    'Key presses are real Chromium input events (Playwright → DevTools protocol). A stamps its capturing keydown listener; each receiver stamps the first mutation of its `.cm-content` showing the new length. All pages share one clock (`performance.timeOrigin + performance.now()`).',
    'Bytes per key: what A passed to `RTCDataChannel.send` during the measured keys, document messages only (the probe counts by first byte), divided by keys × receiving peers. A signed update carries a 64-byte Ed25519 signature.',
    'Breakdown: "keydown → Y update" is CodeMirror reading the input until the Yjs transaction starts; "→ sent by A" (in brackets: part of the next stage) is that transaction to A\'s first data-channel send after it (A\'s other observers, signing); "→ received" runs from that transaction to the start of the receiver\'s transaction applying it (A\'s update handlers, y-webrtc, the data channel, the receiver\'s message dispatch); "→ DOM" is applying it and CodeMirror\'s DOM write.',
  ],
})
