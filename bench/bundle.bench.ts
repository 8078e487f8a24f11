import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js'
import { writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { STOCK_DIST, STOCK_WITH_REACT_DIST } from './support/stockStack.ts'

/**
 * Bundle: what a first visit downloads before Meshpad can run (the scripts, module preloads and
 * stylesheets that dist/index.html references), gzipped, and the largest chunks loaded later.
 * Reads the production build in dist/ (`npm run bench` builds first). Sizes are gzip at zlib's
 * default level (what Vite reports), in kB of 1,000 bytes.
 */
const DIST = fileURLToPath(new URL('../dist/', import.meta.url))

if (!existsSync(`${DIST}index.html`)) throw new Error('dist/index.html not found: run `npm run build` (or `npm run bench`, which builds) first')

/** The files a build's index.html references: scripts and module preloads, and stylesheets. */
function referencedBy(dist: string): { scripts: string[]; styles: string[] } {
  const html = readFileSync(`${dist}index.html`, 'utf8')
  const references = (pattern: RegExp): string[] => [...html.matchAll(pattern)].map((match) => (match[1] as string).replace(/^\//, ''))
  return {
    scripts: [...new Set([...references(/<script[^>]*\bsrc="([^"]+)"/g), ...references(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)])],
    styles: references(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g),
  }
}
const { scripts: initialScripts, styles: initialStyles } = referencedBy(DIST)

const gz = (file: string, dist = DIST): number => gzipSync(readFileSync(`${dist}${file}`)).byteLength
const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`

/** The package a source file belongs to (`meshpad` for our own). */
function packageOf(source: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)
  return match ? (match[1] as string) : 'meshpad (src/)'
}

/** Minified bytes of `file` attributed to packages through its source map. */
function bytesByPackage(file: string): Map<string, number> {
  const result = new Map<string, number>()
  const mapFile = `${DIST}${file}.map`
  if (!existsSync(mapFile)) return result
  const code = readFileSync(`${DIST}${file}`, 'utf8').split('\n')
  const consumer = new SourceMapConsumer(JSON.parse(readFileSync(mapFile, 'utf8')) as RawSourceMap)
  const segments: { line: number; column: number; source: string | null }[] = []
  consumer.eachMapping((m) => segments.push({ line: m.generatedLine, column: m.generatedColumn, source: m.source }))
  segments.sort((a, b) => a.line - b.line || a.column - b.column)
  segments.forEach((segment, i) => {
    const next = segments[i + 1]
    const lineLength = (code[segment.line - 1] ?? '').length
    const end = next && next.line === segment.line ? next.column : lineLength
    const name = segment.source ? packageOf(segment.source) : '(unmapped)'
    result.set(name, (result.get(name) ?? 0) + Math.max(0, end - segment.column))
  })
  return result
}

const assets = readdirSync(`${DIST}assets`).map((file) => `assets/${file}`)
const initialJs = initialScripts.map((file) => ({ file, gz: gz(file), raw: readFileSync(`${DIST}${file}`).byteLength }))
const initialCss = initialStyles.map((file) => ({ file, gz: gz(file) }))
/**
 * The UI's chunks: the one the first script imports on demand for the UI (src/loadUi.ts:
 * `mountApp`), and every chunk that one imports statically. A page loads them as soon as it shows
 * a document; a first visit to a shared link, once the join is done.
 */
function uiChunks(): string[] {
  const entry = assets.find((file) => /^assets\/mountApp-[\w-]+\.js$/.test(file))
  if (entry === undefined) throw new Error('no mountApp chunk in dist/assets: the UI is no longer loaded by src/loadUi.ts')
  const files: string[] = []
  const pending = [entry]
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.includes(file)) continue
    files.push(file)
    const code = readFileSync(`${DIST}${file}`, 'utf8')
    for (const match of code.matchAll(/(?:\bfrom|\bimport)\s*"\.\/([\w-]+\.js)"/g)) {
      const imported = `assets/${match[1] as string}`
      if (!initialScripts.includes(imported)) pending.push(imported)
    }
  }
  return files
}
const ui = uiChunks().map((file) => ({ file, gz: gz(file) }))
const uiGz = ui.reduce((sum, f) => sum + f.gz, 0)
const uiFiles = new Set(ui.map((f) => f.file))

const lazy = assets
  .filter((file) => file.endsWith('.js') && !initialScripts.includes(file) && !uiFiles.has(file))
  .map((file) => {
    const packages = [...bytesByPackage(file)].sort((a, b) => b[1] - a[1])
    return { file, gz: gz(file), mainly: packages.slice(0, 2).map(([name]) => name).join(', ') }
  })
  .sort((a, b) => b.gz - a.gz)


const jsGz = initialJs.reduce((sum, f) => sum + f.gz, 0)
const cssGz = initialCss.reduce((sum, f) => sum + f.gz, 0)
const attribution = new Map<string, number>()
for (const { file } of initialJs) for (const [name, bytes] of bytesByPackage(file)) attribution.set(name, (attribution.get(name) ?? 0) + bytes)
const attributedTotal = [...attribution.values()].reduce((a, b) => a + b, 0)
const topPackages = [...attribution].sort((a, b) => b[1] - a[1]).slice(0, 10)

// The stock stack's pages (bench/stock/, `npm run build:stock`), read the same way: as the Yjs
// demos build it, and the same plus React and ReactDOM (bench/stock/react/).
// Both are served from STOCK_DIST: their pages name their scripts from there.
const initialJsOf = (dist: string): number | null => (existsSync(`${dist}index.html`) ? referencedBy(dist).scripts.reduce((sum, file) => sum + gz(file, STOCK_DIST), 0) : null)
const stockJsGz = initialJsOf(STOCK_DIST)
const stockWithReactJsGz = initialJsOf(STOCK_WITH_REACT_DIST)
const notBuilt = 'not built (`npm run build:stock`)'
const anchor =
  `stock page plus React and ReactDOM, built the same way: ${stockWithReactJsGz === null ? notBuilt : kB(stockWithReactJsGz)}` +
  ` (the stock page alone: ${stockJsGz === null ? notBuilt : kB(stockJsGz)})`

const rows: BenchRow[] = [
  { figure: `before the join: the page's first script and its early scripts, gzipped (${initialJs.length} files)`, meshpad: kB(jsGz), anchor: '—', target: '—' },
  {
    figure: `initial JavaScript: those and the UI's chunks (${ui.length} file${ui.length === 1 ? '' : 's'}, ${kB(uiGz)}), gzipped`,
    meshpad: kB(jsGz + uiGz),
    anchor,
    target: '≤ the stock page plus React and ReactDOM',
  },
  { figure: 'initial CSS, gzipped', meshpad: kB(cssGz), anchor: '—', target: '—' },
  { figure: 'largest lazy chunks, gzipped', meshpad: lazy.slice(0, 4).map((c) => `${kB(c.gz)} (${c.mainly})`).join('; ') || 'none', anchor: '—', target: '—' },
  {
    figure: 'initial JavaScript by package (share of minified bytes)',
    meshpad: topPackages.map(([name, bytes]) => `${name} ${((100 * bytes) / attributedTotal).toFixed(0)}%`).join(', '),
    anchor: '—',
    target: '—',
  },
]

writeBenchResult({
  name: 'bundle',
  title: 'Bundle size',
  rows,
  summary: { initialJsGzip: jsGz, uiJsGzip: uiGz, ui, stockInitialJsGzip: stockJsGz, stockWithReactInitialJsGzip: stockWithReactJsGz, initialCssGzip: cssGz, initialJs, initialCss, lazy, byPackage: Object.fromEntries(topPackages) },
  samples: {},
  notes: [
    'The first script and the early scripts: every `<script src>`, `<link rel="modulepreload">` and stylesheet in dist/index.html. The UI’s chunks: what src/loadUi.ts loads (the `mountApp` chunk and the chunks it imports statically), as soon as the page shows a document. Lazy: every other JavaScript chunk (languages, History, the preview and “My documents” load on demand). What a first visit really fetches (these plus what the page imports at once) is in “Meshpad beside the stock stack”.',
    'By package: minified bytes mapped to each package through the source maps; gzip shares are close to these.',
  ],
})
