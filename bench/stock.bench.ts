import { percentiles, writeBenchResult, type ComparisonRow } from './support/benchResult.ts'
import { closePeers, openPeer, withStage } from './support/benchPeers.ts'
import { joinOnce, SYNC_TIMEOUT_MS, type Join } from './support/firstVisitJoin.ts'
import { initialScripts, type InitialScripts } from './support/initialScripts.ts'
import { KEYS as INPUT_KEYS, typeWithSecondPeer, type OwnFrameLatency } from './support/measureTyping.ts'
import { DOCUMENT_MESSAGES, measureTypingLatency, mergedTypingLatency, sentPerKey, TYPING_KEYS, type TypingLatency } from './support/typingLatency.ts'

/**
 * Meshpad beside the stock stack, in one run: the page people would build instead (yjs + y-webrtc
 * 10.3.0 as published + y-indexeddb + y-codemirror.next + CodeMirror's `basicSetup`, as in the Yjs
 * demos: bench/stock/), served by the same server program, signaling through the same Meshpad
 * server process, in the same Chromium, measured by the same code as Meshpad's own benchmarks.
 * Interleaved where the machine's load could favour one: joins alternate between the two pages.
 */
const JOINS = 20
const APPS = ['meshpad', 'stock'] as const
type App = (typeof APPS)[number]
type ByApp<T> = Record<App, T>

interface Measured {
  scripts: ByApp<InitialScripts> & { stockWithReact: InitialScripts }
  joins: ByApp<Join[]>
  typing: ByApp<TypingLatency>
  input: ByApp<OwnFrameLatency>
}

const measured = await withStage<Measured>(
  async ({ browser, server, stockUrl }) => {
    if (stockUrl === null) throw new Error('the stage serves no stock page')
    const url: ByApp<string> = { meshpad: server.url, stock: stockUrl }

    const scripts = {
      meshpad: await initialScripts(browser, url.meshpad),
      stock: await initialScripts(browser, url.stock),
      stockWithReact: await initialScripts(browser, stockWithReactUrl(url.stock)),
    }

    const holders = { meshpad: await openPeer(browser, url.meshpad), stock: await openPeer(browser, url.stock) }
    const joins: ByApp<Join[]> = { meshpad: [], stock: [] }
    try {
      for (let i = 0; i < JOINS; i++) {
        // Alternate which page goes first, so a drift in the machine's load favours neither.
        for (const app of i % 2 === 0 ? APPS : [...APPS].reverse()) {
          joins[app].push(await joinOnce(browser, holders[app].page.url(), holders[app]))
        }
      }
    } finally {
      await closePeers(Object.values(holders))
    }

    // Half the keys in each of two rooms per page, taking turns (Meshpad, stock, stock, Meshpad).
    const typingParts: ByApp<TypingLatency[]> = { meshpad: [], stock: [] }
    for (const app of [...APPS, ...[...APPS].reverse()]) typingParts[app].push(await measureTypingLatency(browser, url[app], 2, TYPING_KEYS / 2))
    const typing = { meshpad: mergedTypingLatency(typingParts.meshpad), stock: mergedTypingLatency(typingParts.stock) }
    const input = {
      meshpad: await typeWithSecondPeer(browser, await openPeer(browser, url.meshpad), 'end'),
      stock: await typeWithSecondPeer(browser, await openPeer(browser, url.stock), 'end'),
    }
    return { scripts, joins, typing, input }
  },
  { stock: true },
)

/** The stock page plus React and ReactDOM (bench/stock/react/), served beside the stock page. */
function stockWithReactUrl(stockUrl: string): string {
  const url = new URL(stockUrl)
  url.pathname = '/react/'
  return url.href
}

/** `p50 / p99 ms (n=…)`, with how many never happened. */
function p50p99(samples: readonly number[], missing = 0): string {
  const { p50, p99, n } = percentiles(samples)
  return `${p50.toFixed(1)} / ${p99.toFixed(1)} ms (n=${n}${missing ? `; ${missing} never within ${SYNC_TIMEOUT_MS / 1000} s` : ''})`
}

function ratios(meshpad: readonly number[], stock: readonly number[]): string {
  const [a, b] = [percentiles(meshpad), percentiles(stock)]
  return `${(a.p50 / b.p50).toFixed(2)} / ${(a.p99 / b.p99).toFixed(2)}`
}

const firstPeer = (joins: Join[]): number[] => joins.map((join) => join.firstPeer).filter((value): value is number => value !== null)
const missing = (joins: Join[]): number => joins.length - firstPeer(joins).length
/** `N B (M messages)` per key and receiving peer. */
function perKey(result: TypingLatency, types: (type: string) => boolean): string {
  const { bytes, messages } = sentPerKey(result, types)
  return `${bytes.toFixed(1)} B (${messages.toFixed(2)} messages)`
}

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`
const files = (scripts: InitialScripts): string => `${scripts.scripts.length} file${scripts.scripts.length === 1 ? '' : 's'}`

const comparisons: ComparisonRow[] = [
  {
    figure: 'typing: key press in A → char in B’s editor DOM, 2 peers (p50 / p99)',
    meshpad: p50p99(measured.typing.meshpad.latencies),
    stock: p50p99(measured.typing.stock.latencies),
    ratio: ratios(measured.typing.meshpad.latencies, measured.typing.stock.latencies),
    target: '≤ 1',
  },
  {
    figure: 'typing: data-channel bytes per key press and receiving peer, document messages (Meshpad: signed updates, 64 B of signature each; stock: y-webrtc sync)',
    meshpad: perKey(measured.typing.meshpad, DOCUMENT_MESSAGES),
    stock: perKey(measured.typing.stock, DOCUMENT_MESSAGES),
    ratio: (sentPerKey(measured.typing.meshpad, DOCUMENT_MESSAGES).bytes / sentPerKey(measured.typing.stock, DOCUMENT_MESSAGES).bytes).toFixed(2),
    target: '≤ 2',
  },
  {
    figure: 'typing: data-channel bytes per key press and receiving peer, every message (document, presence, anything else)',
    meshpad: perKey(measured.typing.meshpad, () => true),
    stock: perKey(measured.typing.stock, () => true),
    ratio: (sentPerKey(measured.typing.meshpad, () => true).bytes / sentPerKey(measured.typing.stock, () => true).bytes).toFixed(2),
    target: '—',
  },
  {
    figure: 'local input: key press → own editor’s next frame, empty document, a second peer connected (p50 / p99)',
    meshpad: p50p99(measured.input.meshpad.latencies),
    stock: p50p99(measured.input.stock.latencies),
    ratio: ratios(measured.input.meshpad.latencies, measured.input.stock.latencies),
    target: '≤ 1',
  },
  {
    figure: 'first-visit join: navigation start → first data channel open, empty room (p50 / p99)',
    meshpad: p50p99(firstPeer(measured.joins.meshpad), missing(measured.joins.meshpad)),
    stock: p50p99(firstPeer(measured.joins.stock), missing(measured.joins.stock)),
    ratio: ratios(firstPeer(measured.joins.meshpad), firstPeer(measured.joins.stock)),
    target: '≤ 1, and ≤ 300 ms',
  },
  {
    figure: 'initial JavaScript: every script of a first visit until the network is quiet, gzipped; anchor: the stock page plus React and ReactDOM',
    meshpad: `${kB(measured.scripts.meshpad.gzipBytes)} (${files(measured.scripts.meshpad)})`,
    stock: `${kB(measured.scripts.stockWithReact.gzipBytes)} (${files(measured.scripts.stockWithReact)})`,
    ratio: (measured.scripts.meshpad.gzipBytes / measured.scripts.stockWithReact.gzipBytes).toFixed(2),
    target: '≤ 1',
  },
  {
    figure: 'initial JavaScript, as above; beside the stock page without React',
    meshpad: `${kB(measured.scripts.meshpad.gzipBytes)} (${files(measured.scripts.meshpad)})`,
    stock: `${kB(measured.scripts.stock.gzipBytes)} (${files(measured.scripts.stock)})`,
    ratio: (measured.scripts.meshpad.gzipBytes / measured.scripts.stock.gzipBytes).toFixed(2),
    target: '—',
  },
]

const summary: Record<string, unknown> = {}
for (const app of APPS) {
  summary[app] = {
    typing: percentiles(measured.typing[app].latencies),
    typingDocumentBytesPerKey: sentPerKey(measured.typing[app], DOCUMENT_MESSAGES).bytes,
    typingBytesPerKey: sentPerKey(measured.typing[app], () => true).bytes,
    input: percentiles(measured.input[app].latencies),
    joinFirstPeer: percentiles(firstPeer(measured.joins[app])),
    joinNeverConnected: missing(measured.joins[app]),
    initialJsGzip: measured.scripts[app].gzipBytes,
  }
}
summary['stockWithReact'] = { initialJsGzip: measured.scripts.stockWithReact.gzipBytes }

writeBenchResult({
  name: 'stock',
  title: 'Meshpad beside the stock stack',
  rows: [],
  comparisons,
  summary,
  samples: { ...measured },
  notes: [
    'The stock stack: bench/stock/main.ts, built by `npm run build:stock` with the same Vite and target as Meshpad: one Y.Doc, `IndexeddbPersistence`, `WebrtcProvider` (y-webrtc 10.3.0 as published, `password` = the room secret, `signaling` = the Meshpad server measured here), `yCollab` with `yUndoManagerKeymap`, `basicSetup` from `codemirror` 6.0.2, line wrapping; no language. It exposes the probe the benchmarks read (`window.meshpad.session`: doc, text, first data channel open at simple-peer’s `connect`, as Meshpad records it) and nothing else of Meshpad’s.',
    `Typing: ${TYPING_KEYS} key presses in rooms of 2 (method of the typing benchmark), half in each of two rooms per page, the pages taking turns (Meshpad, stock, stock, Meshpad). Bytes per key: what A passed to \`RTCDataChannel.send\` during the measured keys (the probe counts by the message's first byte), divided by keys × receiving peers. Local input: ${INPUT_KEYS} key presses (method of the local input benchmark); the stock page’s cursor blinks while typing, as CodeMirror’s does by default. Join: ${JOINS} first visits per page (fresh context, nothing cached, service workers blocked) to a room where one peer already is, alternating between the pages; the harness evaluates nothing in the joining page until it has synced (it waits for the probe’s SYNCED_MESSAGE).`,
    'The stock page plus React and ReactDOM: bench/stock/react/main.ts, the stock page’s code unchanged plus `createRoot` (react-dom/client 19.3.1, production build) rendering a small React tree beside the editor, built by `npm run build:stock` the same way: the anchor for initial JavaScript of a page that names React and ReactDOM, as Meshpad does.',
    'Initial JavaScript: every script response from navigation until Playwright’s `networkidle` (no request for 500 ms), service workers blocked, each body gzipped at zlib’s default level.',
  ],
})
