import type { Browser } from '@playwright/test'
import { expect, test } from './support/test.js'
import WebSocket from 'ws'
import { roomTopic } from '../src/room/roomTopic.js'
import { debugInfo, editorText, EDITOR, expectEditorToContain, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

/** One text frame that crossed the signaling server, and who sent or received it. */
interface Frame {
  readonly seenBy: string
  readonly raw: string
}

/** What the snooper publishes itself: the server relays it back to it, and only that is plain. */
const SNOOPER_DATA = { type: 'announce', from: 'snooper' }

/** Every substring of `text` of `length` characters: a leak of any part of it shows one. */
function substrings(text: string, length: number): string[] {
  return Array.from({ length: Math.max(0, text.length - length + 1) }, (_, i) => text.slice(i, i + length))
}

/** The JSON of y-webrtc's plaintext signaling messages: none may cross the server unencrypted. */
const SIGNALING_FIELDS = ['"announce"', '"signal"', '"sdp"', '"candidate"', '"from"', '"to"', '"token"', '"peerId"']

/** A page of its own context whose every WebSocket frame sent is recorded from its first one. */
async function openWatchedPeer(browser: Browser, url: string, name: string, frames: Frame[]) {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => frames.push({ seenBy: `${name} sent`, raw: typeof payload === 'string' ? payload : `<binary frame of ${payload.length} bytes>` }))
  })
  await page.goto(url)
  await page.locator(EDITOR).waitFor()
  return { context, page }
}

/**
 * Every frame is y-webrtc signaling with nothing readable in it: topics are hashes, a publish
 * carries only a base64 string (AES-GCM ciphertext), and no frame, nor any payload once decoded,
 * contains any of `secrets`.
 */
function expectOpaque(frame: Frame, secrets: readonly string[]): void {
  const where = `${frame.seenBy}: ${frame.raw.slice(0, 300)}`
  let message: Record<string, unknown>
  try {
    message = JSON.parse(frame.raw) as Record<string, unknown>
  } catch {
    throw new Error(`a frame that is not JSON: ${where}`)
  }
  const readable = [frame.raw]
  switch (message.type) {
    case 'subscribe':
    case 'unsubscribe':
      expect(Object.keys(message).sort(), where).toEqual(['topics', 'type'])
      for (const topic of message.topics as unknown[]) expect(topic, where).toMatch(/^[0-9a-f]{64}$/)
      break
    case 'ping':
    case 'pong':
      expect(Object.keys(message), where).toEqual(['type'])
      break
    case 'publish':
      expect(Object.keys(message).filter((key) => key !== 'clients').sort(), where).toEqual(['data', 'topic', 'type'])
      expect(message.topic, where).toMatch(/^[0-9a-f]{64}$/)
      expect(typeof message.data, `${where}: data must be ciphertext (a base64 string)`).toBe('string')
      expect(message.data, where).toMatch(/^[A-Za-z0-9+/]+=*$/)
      readable.push(Buffer.from(message.data as string, 'base64').toString('latin1'))
      break
    default:
      throw new Error(`a frame that is not y-webrtc signaling: ${where}`)
  }
  for (const text of readable) {
    for (const secret of secrets) expect(text.includes(secret), `${where} contains ${JSON.stringify(secret)}`).toBe(false)
  }
}

test('a different secret shares nothing, and the wire shows only topic hashes and ciphertext', async ({ browser, server }) => {
  const secret = 'the-right-secret-Xq3'
  const topic = roomTopic(secret)
  expect(topic).not.toContain(secret)
  const frames: Frame[] = []

  // Someone who learned the topic listens on the signaling server, and tries to announce itself.
  const snooper = new WebSocket(server.signalingUrl)
  snooper.on('message', (data: Buffer) => {
    const raw = data.toString()
    const message = JSON.parse(raw) as { data?: unknown }
    if (JSON.stringify(message.data) !== JSON.stringify(SNOOPER_DATA)) frames.push({ seenBy: 'snooper received', raw })
  })
  await new Promise((resolve) => snooper.once('open', resolve))
  snooper.send(JSON.stringify({ type: 'subscribe', topics: [topic] }))

  const a = await openWatchedPeer(browser, `${server.url}#${secret}`, 'A', frames)
  await a.page.getByLabel('Your name').fill('Alice Secretive')
  await a.page.getByLabel('Your name').press('Enter')
  const b = await openWatchedPeer(browser, `${server.url}#${secret}`, 'B', frames)
  const c = await openWatchedPeer(browser, `${server.url}#the-wrong-secret`, 'C', frames)
  snooper.send(JSON.stringify({ type: 'publish', topic, data: SNOOPER_DATA }))
  await waitForWebrtcPeers(a.page, 1)

  const text = 'the launch codes are 1234'
  await typeAtEnd(a.page, text)
  await expectEditorToContain(b.page, text)
  await expect(c.page.getByTestId('status-signaling')).toHaveAttribute('data-state', 'connected')

  // C, with the wrong secret, has nothing and knows no one; A knows only B.
  expect(await editorText(c.page)).toBe('')
  expect((await debugInfo(c.page)).webrtcKnown).toBe(0)
  expect((await debugInfo(a.page)).webrtcKnown).toBe(1)
  expect((await debugInfo(b.page)).webrtcKnown).toBe(1)

  // What crossed the server: A's and B's announcements and their WebRTC offers, answers and
  // candidates (each page sent them, the snooper received them), all of it opaque.
  const published = (seenBy: string) => frames.filter((frame) => frame.seenBy === seenBy && frame.raw.includes('"publish"')).length
  expect(published('A sent')).toBeGreaterThan(0)
  expect(published('B sent')).toBeGreaterThan(0)
  expect(published('snooper received')).toBeGreaterThan(0)
  const secrets = [secret, 'Alice', 'Secretive', ...substrings(text, 8), ...SIGNALING_FIELDS]
  for (const frame of frames) expectOpaque(frame, secrets)

  snooper.close()
  for (const peer of [a, b, c]) await peer.context.close()
})
