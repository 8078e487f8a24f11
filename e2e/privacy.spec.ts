import { expect, test } from './support/test.js'
import WebSocket from 'ws'
import { roomTopic } from '../src/room/roomTopic.js'
import { debugInfo, editorText, expectEditorToContain, openPeer, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

test('a different secret shares nothing, and the wire shows only the topic and ciphertext', async ({ browser, server }) => {
  const secret = 'the-right-secret-Xq3'
  const topic = roomTopic(secret)
  expect(topic).not.toContain(secret)

  // Someone who learned the topic listens on the signaling server, and tries to announce itself.
  const snooper = new WebSocket(server.signalingUrl)
  const seen: string[] = []
  snooper.on('message', (data: Buffer) => seen.push(data.toString()))
  await new Promise((resolve) => snooper.once('open', resolve))
  snooper.send(JSON.stringify({ type: 'subscribe', topics: [topic] }))

  const a = await openPeer(browser, `${server.url}#${secret}`)
  await a.page.getByLabel('Your name').fill('Alice Secretive')
  await a.page.getByLabel('Your name').press('Enter')
  const b = await openPeer(browser, `${server.url}#${secret}`)
  const c = await openPeer(browser, `${server.url}#the-wrong-secret`)
  snooper.send(JSON.stringify({ type: 'publish', topic, data: { type: 'announce', from: 'snooper' } }))
  await waitForWebrtcPeers(a.page, 1)

  await typeAtEnd(a.page, 'the launch codes are 1234')
  await expectEditorToContain(b.page, 'the launch codes are 1234')
  await expect(c.page.getByTestId('status-signaling')).toHaveAttribute('data-state', 'connected')

  // C, with the wrong secret, has nothing and knows no one; A knows only B.
  expect(await editorText(c.page)).toBe('')
  expect((await debugInfo(c.page)).webrtcKnown).toBe(0)
  expect((await debugInfo(a.page)).webrtcKnown).toBe(1)
  expect((await debugInfo(b.page)).webrtcKnown).toBe(1)

  // What crossed the server, besides the snooper's own echo: publishes on the topic whose
  // payloads are opaque (AES-GCM, base64) strings.
  const fromPeers = seen
    .map((raw) => JSON.parse(raw) as { type: string; topic: string; data: unknown })
    .filter((message) => typeof message.data !== 'object')
  expect(fromPeers.length).toBeGreaterThan(0)
  for (const message of fromPeers) {
    expect(message).toMatchObject({ type: 'publish', topic })
    expect(message.data).toMatch(/^[A-Za-z0-9+/=]+$/)
  }
  const wire = fromPeers.map((message) => JSON.stringify(message)).join('\n')
  for (const plaintext of [secret, 'launch codes', 'Alice', 'announce', 'sdp', 'candidate']) {
    expect(wire).not.toContain(plaintext)
  }
  snooper.close()
  for (const peer of [a, b, c]) await peer.context.close()
})
