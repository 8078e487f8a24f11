import { expect, test } from './support/test.js'
import type { MeshpadServer } from './support/meshpadServer.js'
import { expectTextBothWays, expectWebrtcPath, openPeer, waitForWebrtcPeers } from './support/peer.js'

async function health(server: MeshpadServer): Promise<{ connections: number; redis: string }> {
  return (await (await fetch(`${server.url}healthz`)).json()) as { connections: number; redis: string }
}

test('browsers on two server instances sharing one Redis find each other and edit together over WebRTC', async ({ browser, redis, startServer }) => {
  const one = await startServer({ env: { REDIS_URL: redis.url } })
  const two = await startServer({ env: { REDIS_URL: redis.url } })

  // A opens a new room on instance 1; B opens the same room on instance 2 (its own signaling).
  const a = await openPeer(browser, one.url)
  const secret = new URL(a.page.url()).hash
  expect(secret).toMatch(/^#e1\.[A-Za-z0-9_-]{43}$/)
  const b = await openPeer(browser, `${two.url}${secret}`)
  // Polled: a server counts a connection until its close handshake ends, which can trail a
  // page's own view by a moment.
  for (const server of [one, two]) await expect.poll(() => health(server)).toMatchObject({ connections: 1, redis: 'up' })

  await waitForWebrtcPeers(a.page, 1)
  await waitForWebrtcPeers(b.page, 1)
  await expectTextBothWays(a.page, b.page, 'Typed on instance one. ', 'Answered from instance two.')

  // The data went over WebRTC: a connected data channel each, no BroadcastChannel peer.
  for (const { page } of [a, b]) {
    await expectWebrtcPath(page, 1)
    await expect(page.getByTestId('status-signaling')).toHaveAttribute('data-state', 'connected')
  }
  // They met through Redis: each instance relayed the other's signaling messages.
  for (const server of [one, two]) {
    const metrics = await (await fetch(`${server.url}metrics`)).text()
    expect(Number(/^meshpad_signaling_redis_received_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0)
  }
  await a.context.close()
  await b.context.close()
})
