import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

// What the signaling benchmark reads of the processes it runs (Linux /proc).

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

/** Runs `argv` (cwd: the repository) with its open-file limit raised to the hard limit (5,000 sockets need more than 1,024). */
export function spawnRaised(argv: string[], env: NodeJS.ProcessEnv, ipc = false): ChildProcess {
  const script = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null; exec "$@"'
  return spawn('sh', ['-c', script, 'sh', ...argv], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit', ...(ipc ? (['ipc'] as const) : [])] })
}

export function openFileLimit(pid: number): number {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'))
  return Number(line?.split(/\s+/)[3])
}

export function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))
  return Number(line?.split(/\s+/)[1]) * 1024
}

/** User + system CPU seconds of `pid` so far. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Median of three RSS samples 200 ms apart, summed over `pids`. */
export async function settledRss(pids: number[]): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < 3; i++) {
    samples.push(pids.reduce((sum, pid) => sum + rssBytes(pid), 0))
    await sleep(200)
  }
  return samples.sort((a, b) => a - b)[1]!
}
