import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { RelayRule } from '../../network/gossip/relayRule'
import type { NodePeerReport } from './nodePeer'

export type { NodePeerReport }

const NODE_PEER = fileURLToPath(new URL('./nodePeer.ts', import.meta.url))
const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url))

/** A room's peer in a Node process of its own (see `nodePeer.ts`). */
export interface NodePeerProcess {
  /** The peer's text after its latest change. */
  text(): string
  /** Data-channel messages this peer has sent so far (as last reported). */
  sends(): number
  /** Peers it reaches over an open WebRTC data channel (as last reported). */
  peers(): number
  /** Resolves once the peer's text satisfies `predicate`; rejects after `timeoutMs`. */
  waitForText(predicate: (text: string) => boolean, timeoutMs?: number): Promise<string>
  /** Appends `text` to the peer's document (one line: no newline in it). */
  append(text: string): void
  /** Makes the peer relay by `rule` from now on (tests and benchmarks, see `relayRule.ts`). */
  relay(rule: RelayRule): void
  /** The peer's next report, asked for now. */
  report(): Promise<NodePeerReport>
  /** Calls `listener` with every report the peer prints, as it arrives. */
  onReport(listener: (report: NodePeerReport) => void): void
  stop(): Promise<void>
}

export interface NodePeerProcessOptions {
  /** Runs the peer inside this network namespace (`ip netns exec`; root only). */
  readonly netns?: string
}

/** Starts a Node peer of the room of `link` that appends `text`; resolves once it is open. */
export async function startNodePeer(link: string, text: string, timeoutMs = 20_000, maxConns?: number, options: NodePeerProcessOptions = {}): Promise<NodePeerProcess> {
  const args = [NODE_PEER, link, text, ...(maxConns === undefined ? [] : [String(maxConns)])]
  const child: ChildProcess =
    options.netns === undefined
      ? spawn(TSX, args, { stdio: ['pipe', 'pipe', 'inherit'] })
      : spawn('ip', ['netns', 'exec', options.netns, TSX, ...args], { stdio: ['pipe', 'pipe', 'inherit'] })
  let latest = ''
  let sends = 0
  let peers = 0
  const waiters = new Set<() => void>()
  const subscribers: ((report: NodePeerReport) => void)[] = []
  /** Callers waiting for the next report. */
  let next: ((report: NodePeerReport) => void)[] = []
  const lines = createInterface({ input: child.stdout! })
  // A peer that exits closes its stdin: writing then must not throw in the caller.
  child.stdin!.on('error', () => {})
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Node peer did not start within ${timeoutMs} ms`)), timeoutMs)
    child.once('exit', (code) => reject(new Error(`the Node peer exited with ${code}`)))
    lines.on('line', (line) => {
      if (line === 'ready') {
        clearTimeout(timer)
        resolve()
        return
      }
      const report = JSON.parse(line) as NodePeerReport
      latest = report.text
      sends = report.sends
      peers = report.peers
      for (const waiter of waiters) waiter()
      for (const subscriber of subscribers) subscriber(report)
      const waiting = next
      next = []
      for (const resolve of waiting) resolve(report)
    })
  })
  const command = (line: string): void => {
    if (child.exitCode === null) child.stdin!.write(`${line}\n`)
  }
  await ready
  return {
    text: () => latest,
    sends: () => sends,
    peers: () => peers,
    waitForText(predicate, timeout = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!predicate(latest)) return
          clearTimeout(timer)
          waiters.delete(check)
          resolve(latest)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`the Node peer's text never matched; it is ${JSON.stringify(latest)}`))
        }, timeout)
        waiters.add(check)
        check()
      })
    },
    append: (text) => command(`append ${text.replace(/\n/g, ' ')}`),
    relay: (rule) => command(`relay ${rule}`),
    report: () =>
      new Promise((resolve) => {
        next.push(resolve)
        command('report')
      }),
    onReport: (listener) => void subscribers.push(listener),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
