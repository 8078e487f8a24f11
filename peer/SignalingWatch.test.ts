// @vitest-environment node
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocketServer, type WebSocket } from 'ws'
import { waitFor } from '../signaling/testing/conditions'
import { SignalingWatch, SUBSCRIBE_BATCH } from './SignalingWatch'

let server: WebSocketServer | null = null
let watch: SignalingWatch | null = null
afterEach(async () => {
  watch?.destroy()
  watch = null
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = null
})

/**
 * A WebSocket server that records what the watch sends and answers pings only when told, so the
 * test decides what the watch hears (as an instance of a scaled-out server delivers others' messages).
 */
async function scriptedServer(): Promise<{ url: string; frames: { type: string; topics?: string[]; topic?: string; data?: unknown }[]; socket: () => WebSocket | undefined }> {
  const frames: { type: string }[] = []
  let socket: WebSocket | undefined
  server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  server.on('connection', (ws) => {
    socket = ws
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as { type: string }))
  })
  await new Promise((resolve) => server!.once('listening', resolve))
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, frames, socket: () => socket }
}

describe('SignalingWatch', () => {
  it('subscribes in frames of 500, probes every topic, and says connected only once the pong after them comes', async () => {
    const { url, frames, socket } = await scriptedServer()
    const topics = Array.from({ length: 1_200 }, (_, i) => `topic-${i}`)
    watch = new SignalingWatch(url, () => {})
    watch.watch(topics, true)
    await waitFor(() => frames.some((frame) => frame.type === 'ping'), 5_000)
    const subscribes = frames.filter((frame) => frame.type === 'subscribe')
    expect(subscribes.map((frame) => frame.topics!.length)).toEqual([SUBSCRIBE_BATCH, SUBSCRIBE_BATCH, 200])
    expect(frames.filter((frame) => frame.type === 'publish').map((frame) => [frame.topic, frame.data])).toEqual(topics.map((topic) => [topic, null]))
    expect(frames.at(-1)).toEqual({ type: 'ping' })
    expect(watch.state).toBe('connecting')
    socket()!.send(JSON.stringify({ type: 'pong' }))
    await waitFor(() => watch!.state === 'connected', 5_000)
  })

  it("wakes on someone's message whatever its count, and on its own probe's echo only when the count says someone else is there", async () => {
    const { url, socket } = await scriptedServer()
    const woken: string[] = []
    watch = new SignalingWatch(url, (topic) => woken.push(topic))
    watch.watch(['alone', 'relayed', 'occupied'], true)
    await waitFor(() => socket() !== undefined, 5_000)
    const deliver = (message: object) => socket()!.send(JSON.stringify({ type: 'publish', ...message }))
    deliver({ topic: 'alone', data: null, clients: 1 })
    deliver({ topic: 'relayed', data: 'an encrypted announce', clients: 1 })
    deliver({ topic: 'occupied', data: null, clients: 2 })
    deliver({ topic: 'not-watched', data: 'anything', clients: 5 })
    socket()!.send(JSON.stringify({ type: 'pong' }))
    await waitFor(() => watch!.state === 'connected', 5_000)
    expect(woken).toEqual(['relayed', 'occupied'])
  })
})
