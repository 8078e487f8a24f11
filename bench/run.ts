import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { updateBenchmarksMarkdown } from './support/benchmarksMarkdown.ts'

/**
 * `npm run bench [-- name …] [--no-build]`: builds Meshpad and the stock stack's page (the anchor
 * of bench/stock.bench.ts) once, runs each `bench/<name>.bench.ts`
 * in its own Node process (one at a time, so benchmarks never load the machine for each other),
 * then regenerates the tables in BENCHMARKS.md from bench/results/*.json.
 */
const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))
const ROOT = fileURLToPath(new URL('..', import.meta.url))

const args = process.argv.slice(2)
const build = !args.includes('--no-build')
const wanted = args.filter((a) => !a.startsWith('--'))
const available = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .sort()

const unknown = wanted.filter((name) => !available.includes(name))
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`)
  process.exit(2)
}

function run(command: string, commandArgs: string[]): number {
  const result = spawnSync(command, commandArgs, { cwd: ROOT, stdio: 'inherit' })
  return result.status ?? 1
}

if (build && (run('npm', ['run', 'build']) !== 0 || run('npm', ['run', 'build:stock']) !== 0)) process.exit(1)

const failed: string[] = []
for (const name of wanted.length ? wanted : available) {
  console.log(`\n[bench] ── ${name}`)
  const started = Date.now()
  if (run(process.execPath, ['--import', 'tsx', `${BENCH_DIR}${name}.bench.ts`]) !== 0) failed.push(name)
  console.log(`[bench] ${name} took ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
updateBenchmarksMarkdown()
if (failed.length) {
  // A benchmark that crashed produced no figures: that is an error of the instrument, not a result.
  console.error(`[bench] failed to run: ${failed.join(', ')}`)
  process.exit(1)
}
