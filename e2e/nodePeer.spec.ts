import { startNodePeer } from '../src/session/testing/nodePeerProcess.js'
import { expect, test } from './support/test.js'
import { editorText, expectDocumentText, expectWebrtcPath, openPeer, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

test('a Node process opens the room from its link with the same session core, and edits with Chromium both ways over WebRTC', async ({
  browser,
  server,
}) => {
  const a = await openPeer(browser, server.url)
  const link = a.page.url()
  const node = await startNodePeer(link, 'Written in Node.\n')
  try {
    await waitForWebrtcPeers(a.page, 1, 30_000)
    await expectDocumentText(a.page, 'Written in Node.\n')
    await typeAtEnd(a.page, 'Typed in Chromium.')
    await node.waitForText((text) => text === 'Written in Node.\nTyped in Chromium.')
    expect(await editorText(a.page)).toBe(node.text())
    await expectWebrtcPath(a.page, 1)
  } finally {
    await node.stop()
  }
})
