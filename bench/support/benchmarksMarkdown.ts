import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { RESULTS_DIR, type BenchEnvironment, type BenchResult } from './benchResult.ts'

const BENCHMARKS_MD = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url))

type StoredResult = BenchResult & BenchEnvironment

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

/** The generated block of one result: table, notes, and where and when it was measured. */
export function renderSection(result: StoredResult): string {
  const lines: string[] = []
  if (result.comparisons?.length) {
    lines.push('| figure | Meshpad | stock stack | ratio (Meshpad ÷ stock) | target |', '|---|---|---|---|---|')
    for (const row of result.comparisons) lines.push(`| ${[row.figure, row.meshpad, row.stock, row.ratio, row.target].map(escapeCell).join(' | ')} |`)
    lines.push('')
  }
  if (result.rows.length) {
    lines.push('| figure | Meshpad | anchor | target |', '|---|---|---|---|')
    for (const row of result.rows) lines.push(`| ${[row.figure, row.meshpad, row.anchor, row.target].map(escapeCell).join(' | ')} |`)
    lines.push('')
  }
  for (const note of result.notes ?? []) lines.push(`- ${note}`)
  if (result.notes?.length) lines.push('')
  const m = result.machine
  lines.push(
    `<sub>Measured ${result.date.slice(0, 10)} at commit ${result.commit}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ` +
      `Node ${result.node}${result.chromium ? `, ${result.chromium}` : ''}` +
      `${result.loadAverage ? `; load average ${result.loadAverage.join(' / ')} (1 / 5 / 15 min) when written` : ''}. Raw samples: \`bench/results/${result.name}.json\`.</sub>`,
  )
  return lines.join('\n')
}

/**
 * Rewrites the generated blocks of BENCHMARKS.md, one per result in bench/results/, between
 * `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`. Prose outside the markers is kept as written;
 * a result without markers gets a new section at the end.
 */
export function updateBenchmarksMarkdown(): void {
  let markdown = existsSync(BENCHMARKS_MD) ? readFileSync(BENCHMARKS_MD, 'utf8') : '# Benchmarks\n'
  const files = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')).sort() : []
  for (const file of files) {
    const result = JSON.parse(readFileSync(`${RESULTS_DIR}${file}`, 'utf8')) as StoredResult
    const start = `<!-- bench:${result.name} -->`
    const end = `<!-- /bench:${result.name} -->`
    const block = `${start}\n${renderSection(result)}\n${end}`
    const from = markdown.indexOf(start)
    const to = markdown.indexOf(end)
    markdown =
      from >= 0 && to > from
        ? markdown.slice(0, from) + block + markdown.slice(to + end.length)
        : `${markdown.trimEnd()}\n\n## ${result.title}\n\n${block}\n`
  }
  writeFileSync(BENCHMARKS_MD, markdown.endsWith('\n') ? markdown : markdown + '\n')
  console.log(`[bench] updated ${BENCHMARKS_MD}`)
}
