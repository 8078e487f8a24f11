import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, test } from './support/test.js'
import { freePort } from './support/meshpadServer.js'
import { expectEditorToContain, openPeer, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

const STOCK_SERVER = fileURLToPath(new URL('../node_modules/y-webrtc/bin/server.js', import.meta.url))

test("Meshpad peers meet through y-webrtc's own signaling server", async ({ browser, server }) => {
  const port = await freePort()
  const stock = spawn(process.execPath, [STOCK_SERVER], { env: { ...process.env, PORT: String(port) }, stdio: 'pipe' })
  try {
    // The stock server prints its banner once it listens.
    await new Promise<void>((resolve, reject) => {
      stock.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('running') && resolve())
      stock.once('exit', (code) => reject(new Error(`stock server exited with ${code}`)))
    })
    const room = `${server.url}?signaling=${encodeURIComponent(`ws://127.0.0.1:${port}`)}#interop-room`
    const a = await openPeer(browser, room)
    const b = await openPeer(browser, room)
    await waitForWebrtcPeers(a.page, 1)
    await waitForWebrtcPeers(b.page, 1)
    await typeAtEnd(a.page, 'via the stock server')
    await expectEditorToContain(b.page, 'via the stock server')
    await expect(b.page.getByTestId('status-signaling')).toHaveAttribute('data-state', 'connected')
    await a.context.close()
    await b.context.close()
  } finally {
    stock.kill('SIGKILL')
  }
})
