import type { MeshpadServer } from './support/meshpadServer.js'
import { expect, test } from './support/test.js'
import { debugInfo, editorText, expectEditorToContain, openPeer, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

test('in a partial mesh, edits reach a peer only linked through another', async ({ browser, server: app, startServer }) => {
  // A and C can only find each other's signaling server through B, which uses both: A–B and
  // B–C connect, A–C never do. B must forward what it receives; in a full mesh nobody does.
  const left = await startServer()
  const right = await startServer()
  const secret = 'partial-mesh-room'
  const roomUrl = (...signaling: MeshpadServer[]): string =>
    `${app.url}?signaling=${signaling.map((s) => encodeURIComponent(s.signalingUrl)).join(',')}#${secret}`

  const a = await openPeer(browser, roomUrl(left))
  const b = await openPeer(browser, roomUrl(left, right))
  const c = await openPeer(browser, roomUrl(right))
  await waitForWebrtcPeers(b.page, 2)
  await waitForWebrtcPeers(a.page, 1)
  await waitForWebrtcPeers(c.page, 1)
  expect((await debugInfo(a.page)).webrtcKnown).toBe(1)
  expect((await debugInfo(c.page)).webrtcKnown).toBe(1)

  await typeAtEnd(a.page, 'From A, via B. ')
  await expectEditorToContain(c.page, 'From A, via B.')
  await typeAtEnd(c.page, 'From C, via B.')
  await expectEditorToContain(a.page, 'From A, via B. From C, via B.')
  await expect.poll(async () => new Set(await Promise.all([a, b, c].map(({ page }) => editorText(page)))).size).toBe(1)

  // Presence travels the same way: A lists C, and C lists A.
  for (const { page } of [a, c]) {
    await expect(page.getByRole('complementary', { name: 'People in this document' }).getByTestId('person')).toHaveCount(3)
  }
  for (const peer of [a, b, c]) await peer.context.close()
})
