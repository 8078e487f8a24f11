/**
 * Child-process entry of `ServerProcess` (serverProcess.ts): one signaling server in a process of
 * its own (run with --expose-gc), so a test can measure the server's memory and nothing else.
 * Options arrive as JSON in argv[2]; the parent talks over the IPC channel.
 */
import { createSignalingServer, type SignalingServerOptions } from '../server.js'

export type ServerProcessRequest = { type: 'memory' } | { type: 'stats' } | { type: 'close' }

const options = JSON.parse(process.argv[2] ?? '{}') as SignalingServerOptions
const signaling = createSignalingServer({ port: 0, host: '127.0.0.1', ...options })
const { port } = await signaling.listen()
process.send?.({ type: 'listening', port })

const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

process.on('message', (request: ServerProcessRequest) => {
  switch (request.type) {
    case 'memory':
      // Several rounds: objects freed by one collection can release others in the next.
      for (let i = 0; i < 4; i++) gc()
      process.send?.({ type: 'memory', memory: process.memoryUsage() })
      return
    case 'stats':
      process.send?.({ type: 'stats', stats: signaling.stats() })
      return
    case 'close':
      void signaling.close().then(() => process.exit(0))
      return
  }
})
