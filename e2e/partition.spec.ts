import type { MeshpadServer } from './support/meshpadServer.js'
import { expect, test } from './support/test.js'
import { editorText, expectEditorToContain, openPeer, typeAtEnd, waitForSaved, waitForWebrtcPeers } from './support/peer.js'

test('with the signaling server gone, connected peers keep editing together', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  const b = await openPeer(browser, a.page.url())
  await waitForWebrtcPeers(a.page, 1)
  await waitForWebrtcPeers(b.page, 1)

  await server.stop()
  for (const { page } of [a, b]) {
    await expect(page.getByTestId('status-signaling')).not.toHaveAttribute('data-state', 'connected')
  }

  await typeAtEnd(a.page, 'A without a server. ')
  await expectEditorToContain(b.page, 'A without a server.')
  await typeAtEnd(b.page, 'B too.')
  await expectEditorToContain(a.page, 'A without a server. B too.')
  await expect(b.page.getByTestId('status-peers')).toHaveText('Synced with 1 peer')

  // The server comes back on its port: clients reconnect on their own.
  await server.start()
  for (const { page } of [a, b]) {
    await expect(page.getByTestId('status-signaling')).toHaveAttribute('data-state', 'connected', { timeout: 15_000 })
  }
  await a.context.close()
  await b.context.close()
})

test('edits made apart, each on its own signaling server, merge when the peers meet', async ({ browser, server: app, startServer }) => {
  const islandA = await startServer()
  const islandB = await startServer()
  const secret = 'partition-test-room'
  const roomUrl = (signaling: MeshpadServer): string => `${app.url}?signaling=${encodeURIComponent(signaling.signalingUrl)}#${secret}`

  // A and B are in the same room, but each can only find peers on its own signaling server.
  const a = await openPeer(browser, roomUrl(islandA))
  const b = await openPeer(browser, roomUrl(islandB))
  for (const { page } of [a, b]) {
    await expect(page.getByTestId('status-signaling')).toHaveAttribute('data-state', 'connected')
  }
  await typeAtEnd(a.page, 'Alpha line from A.\n')
  await typeAtEnd(b.page, 'Beta line from B.\n')
  await typeAtEnd(a.page, 'Second thought of A.')
  await typeAtEnd(b.page, 'Second thought of B.')
  await waitForSaved(a.page)
  await waitForSaved(b.page)
  expect(await editorText(a.page)).not.toContain('from B')
  expect(await editorText(b.page)).not.toContain('from A')

  // B moves to A's signaling server (same page origin, so B's stored copy comes along).
  await b.page.goto(roomUrl(islandA))
  await waitForWebrtcPeers(a.page, 1)
  await waitForWebrtcPeers(b.page, 1)

  for (const { page } of [a, b]) {
    for (const line of ['Alpha line from A.', 'Second thought of A.', 'Beta line from B.', 'Second thought of B.']) {
      await expectEditorToContain(page, line)
    }
  }
  await expect.poll(async () => (await editorText(b.page)) === (await editorText(a.page))).toBe(true)
  await a.context.close()
  await b.context.close()
})
