import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from '@playwright/test'
import { chromiumLaunchOptions } from './chromium.js'
import { stopChild } from './childProcess.js'
import { PUBLIC, type LabHost, type NetLab } from './netns.js'

const MAIN = fileURLToPath(new URL('../../build/signaling/main.js', import.meta.url))
/** The Meshpad server's port on the lab's server host. */
export const LAB_PORT = 4444
/** coturn's port (STUN and TURN, UDP and TCP) on the lab's server host. */
export const TURN_PORT = 3478

/** Resolves once `child` printed a line matching `pattern`; rejects with its output if it exits first or takes too long. */
function whenPrinted(child: ChildProcess, pattern: RegExp, name: string, timeoutMs = 20_000): Promise<void> {
  let output = ''
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (pattern.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited with ${code}:\n${output}`))
    })
  })
}

/** A Meshpad server process on the lab's server host; `stop()` ends it (the lab would too). */
export interface LabMeshpad {
  readonly url: string
  stop(): Promise<void>
}

/** Starts `build/signaling/main.js` on the server host with `env` (e.g. `STUN_URLS`, `TLS_CERT_FILE`). */
export async function startLabMeshpad(lab: NetLab, env: Readonly<Record<string, string>> = {}): Promise<LabMeshpad> {
  // LOG_LEVEL info: readiness is the "Meshpad: http…" line.
  const child = lab.spawn('srv', process.execPath, [MAIN], { ...env, LOG_LEVEL: 'info', PORT: String(LAB_PORT), HOST: '0.0.0.0' })
  await whenPrinted(child, /"msg":"Meshpad: https?:/, 'Meshpad server')
  const scheme = env.TLS_CERT_FILE === undefined ? 'http' : 'https'
  return { url: `${scheme}://${PUBLIC.server}:${LAB_PORT}/`, stop: () => stopChild(child, 3000) }
}

/**
 * A real coturn on the server host: STUN for anyone, TURN with TURN REST API credentials
 * (`use-auth-secret`) from `secret`, relaying from the server host's public address.
 */
export async function startLabCoturn(lab: NetLab, secret: string): Promise<void> {
  const child = lab.spawn('srv', 'turnserver', [
    '-n', '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=meshpad.test',
    `--listening-ip=${PUBLIC.server}`, `--relay-ip=${PUBLIC.server}`, `--listening-port=${TURN_PORT}`,
    '--min-port=49152', '--max-port=49400', '--no-cli', '--no-tls', '--no-dtls', '--fingerprint',
    '--log-file=stdout', '--simple-log', '--verbose',
  ])
  await whenPrinted(child, /(TCP|UDP) listener opened on/i, 'coturn').catch(async () => {
    // coturn's log wording differs between versions; the port being bound is what counts.
    await whenBound(lab, 'srv', TURN_PORT)
  })
}

async function whenBound(lab: NetLab, host: LabHost, port: number): Promise<void> {
  const { execFileSync } = await import('node:child_process')
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const out = execFileSync('ip', ['netns', 'exec', lab.ns(host), 'ss', '-Hlnu', `sport = :${port}`]).toString()
    if (out.trim() !== '') return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`nothing listens on ${host}:${port}`)
}

/** Chromium inside `host`'s namespace (through a wrapper script), with extra `args`. */
export function launchIn(lab: NetLab, host: LabHost, args: readonly string[] = []): Promise<Browser> {
  const options = chromiumLaunchOptions()
  return chromium.launch({ ...options, executablePath: lab.chromiumIn(host), args: [...(options.args ?? []), ...args] })
}

/** Chromium's flag that makes the lab's plain-http server origin a secure context (networking tests only). */
export function treatLabOriginAsSecure(): string {
  return `--unsafely-treat-insecure-origin-as-secure=http://${PUBLIC.server}:${LAB_PORT}`
}
