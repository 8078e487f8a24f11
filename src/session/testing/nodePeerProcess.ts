import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

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
  stop(): Promise<void>
}

/** Starts a Node peer of the room of `link` that appends `text`; resolves once it is open. */
export async function startNodePeer(link: string, text: string, timeoutMs = 20_000, maxConns?: number): Promise<NodePeerProcess> {
  const args = [NODE_PEER, link, text, ...(maxConns === undefined ? [] : [String(maxConns)])]
  const child: ChildProcess = spawn(TSX, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let latest = ''
  let sends = 0
  let peers = 0
  const waiters = new Set<() => void>()
  const lines = createInterface({ input: child.stdout! })
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Node peer did not start within ${timeoutMs} ms`)), timeoutMs)
    child.once('exit', (code) => reject(new Error(`the Node peer exited with ${code}`)))
    lines.on('line', (line) => {
      if (line === 'ready') {
        clearTimeout(timer)
        resolve()
        return
      }
      const report = JSON.parse(line) as { text: string; sends: number; peers: number }
      latest = report.text
      sends = report.sends
      peers = report.peers
      for (const waiter of waiters) waiter()
    })
  })
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
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
