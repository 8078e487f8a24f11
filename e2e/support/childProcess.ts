import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface SpawnReadyOptions {
  /** Names the process in errors. */
  readonly name: string
  readonly env?: NodeJS.ProcessEnv
  /** Polled until it resolves true; a rejection counts as not ready yet. */
  readonly ready: () => Promise<boolean>
  readonly timeoutMs?: number
}

/**
 * Spawns `file args` and resolves with the child once `ready()` holds. Rejects, with everything
 * the child printed, if it exits first or is not ready within `timeoutMs` (default 10 s).
 */
export async function spawnReady(file: string, args: readonly string[], options: SpawnReadyOptions): Promise<ChildProcess> {
  const child = spawn(file, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode}:\n${output}`)
    if (await options.ready().catch(() => false)) return child
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  child.kill('SIGKILL')
  throw new Error(`${options.name} did not become ready:\n${output}`)
}

/**
 * Resolves once `child` prints a line on stdout for which `ready` holds. Rejects, with everything
 * it printed, if `ready` throws (the child said something else), if it exits first, or after
 * `timeoutMs`. `name` names it in errors.
 */
export function waitForLine(child: ChildProcess, name: string, ready: (line: string) => boolean, timeoutMs = 10_000): Promise<void> {
  let output = ''
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return new Promise<void>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    const settle = (error: Error | null): void => {
      clearTimeout(timer)
      child.off('exit', exited)
      lines.off('line', read)
      if (error === null) resolve()
      else reject(error)
    }
    const exited = (code: number | null): void => settle(new Error(`${name} exited with ${code}:\n${output}`))
    const read = (line: string): void => {
      output += `${line}\n`
      try {
        if (ready(line)) settle(null)
      } catch (error) {
        settle(new Error(`${name}: ${(error as Error).message}\n${output}`))
      }
    }
    const timer = setTimeout(() => settle(new Error(`${name} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs)
    child.once('exit', exited)
    lines.on('line', read)
  })
}

/** Sends SIGTERM (SIGKILL after `killAfterMs`) and waits for the exit; at once if it has exited. */
export async function stopChild(child: ChildProcess, killAfterMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const kill = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
  await exited
  clearTimeout(kill)
}
