import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { SourceMapConsumer, type RawSourceMap } from 'source-map-js'
import { writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { STOCK_DIST } from './support/stockStack.ts'

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
const lazy = assets
  .filter((file) => file.endsWith('.js') && !initialScripts.includes(file))
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

// The stock stack's page (bench/stock/, `npm run build:stock`), read the same way.
const stockJsGz = existsSync(`${STOCK_DIST}index.html`) ? referencedBy(STOCK_DIST).scripts.reduce((sum, file) => sum + gz(file, STOCK_DIST), 0) : null
const anchor = stockJsGz === null ? 'stock stack: not built (`npm run build:stock`)' : `stock stack's page, built the same way: ${kB(stockJsGz)}`

const rows: BenchRow[] = [
  { figure: `initial JavaScript, gzipped (${initialJs.length} file${initialJs.length === 1 ? '' : 's'})`, meshpad: kB(jsGz), anchor, target: "≤ the stock stack's" },
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
  summary: { initialJsGzip: jsGz, stockInitialJsGzip: stockJsGz, initialCssGzip: cssGz, initialJs, initialCss, lazy, byPackage: Object.fromEntries(topPackages) },
  samples: {},
  notes: [
    'Initial: every `<script src>`, `<link rel="modulepreload">` and stylesheet in dist/index.html. Lazy: every other JavaScript chunk (languages and “My documents” load on demand). What a first visit really fetches (these plus what the page imports at once) is in “Meshpad beside the stock stack”.',
    'By package: minified bytes mapped to each package through the source maps; gzip shares are close to these.',
  ],
})
