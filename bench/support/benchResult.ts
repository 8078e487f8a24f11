import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'

/**
 * The contract every benchmark under `bench/` follows: it runs alone (`npm run bench -- <name>`),
 * writes `bench/results/<name>.json` through `writeBenchResult`, and the runner turns every
 * result's `rows` into the table of its section in BENCHMARKS.md. Benchmarks print figures; they
 * never pass or fail on them.
 */
export interface BenchRow {
  /** What was measured, e.g. "typing latency, 2 peers, p50". */
  figure: string
  /** Meshpad's figure, formatted with its unit, e.g. "8.6 ms (n=200)". */
  meshpad: string
  /** The published or measured figure of the tool people would pick instead, with its source. */
  anchor: string
  /** Our target, or "—" when the issue sets none. */
  target: string
}

/** A figure measured for Meshpad and for the stock stack's page in one run. */
export interface ComparisonRow {
  figure: string
  /** Meshpad's figure, with its unit. */
  meshpad: string
  /** The stock stack's figure, measured the same way in the same run. */
  stock: string
  /** Meshpad ÷ stock for each figure of the cells (below 1: Meshpad is faster or smaller). */
  ratio: string
  target: string
}

export interface BenchResult {
  name: string
  /** Section heading in BENCHMARKS.md. */
  title: string
  rows: BenchRow[]
  /** Rows of a "Meshpad | stock stack | ratio" table, printed before `rows`. */
  comparisons?: ComparisonRow[]
  /** Summaries (median, p95, p99, n …) by figure. */
  summary: Record<string, unknown>
  /** Raw samples by figure, so anyone can recompute the summary. */
  samples: Record<string, unknown>
  /** Sentences printed under the table: method, caveats, causes of a gap. */
  notes?: string[]
}

export interface BenchEnvironment {
  date: string
  commit: string
  node: string
  chromium: string | null
  machine: { cpus: number; cpuModel: string; memoryGiB: number; platform: string; release: string }
  /** The machine's 1-, 5- and 15-minute load averages when the result was written (absent in older results). */
  loadAverage?: number[]
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url))

function tryRun(file: string, args: string[]): string | null {
  try {
    return execFileSync(file, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    return null
  }
}

export function benchEnvironment(): BenchEnvironment {
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
  return {
    date: new Date().toISOString(),
    commit: tryRun('git', ['rev-parse', '--short', 'HEAD']) ?? 'unknown',
    node: process.version,
    chromium: tryRun(chromiumPath, ['--version']),
    loadAverage: os.loadavg().map((load) => Math.round(load * 10) / 10),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: os.platform(),
      release: os.release(),
    },
  }
}

/** Writes `bench/results/<name>.json` (environment + result) and returns its path. */
export function writeBenchResult(result: BenchResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const path = `${RESULTS_DIR}${result.name}.json`
  writeFileSync(path, JSON.stringify({ ...benchEnvironment(), ...result }, null, 2) + '\n')
  console.log(`[bench] ${result.name}: wrote ${path}`)
  for (const row of result.comparisons ?? []) console.log(`[bench]   ${row.figure}: ${row.meshpad}  (stock stack ${row.stock}; ratio ${row.ratio})`)
  for (const row of result.rows) console.log(`[bench]   ${row.figure}: ${row.meshpad}  (anchor ${row.anchor}; target ${row.target})`)
  return path
}

/** Median, p95, p99, min, max and count of samples (nearest-rank). */
export function percentiles(samples: readonly number[]): { n: number; p50: number; p95: number; p99: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN }
}
