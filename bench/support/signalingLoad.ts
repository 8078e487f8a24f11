/**
 * The load generator of `bench/signaling.bench.ts`, in a process of its own (never the server's):
 * it holds thousands of y-webrtc-protocol clients and answers commands over the IPC channel.
 *
 * - `connect`: opens `connections` WebSockets in rooms of `roomSize`, spread over `urls` (member i
 *   of a room connects to urls[i % urls.length]); each subscribes to its room's topic and waits for
 *   the pong that proves the subscription was handled.
 * - `verify`: every connection pings; counts the pongs.
 * - `fanout`: member 0 of every room publishes a `payloadBytes` message, and publishes the next one
 *   when the room's last member has received it (closed loop: one message in flight per room),
 *   for `seconds`; counts the publish frames received by every member.
 * - `close`: terminates every connection.
 */
import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'

export type LoadCommand =
  | { cmd: 'connect'; urls: string[]; connections: number; roomSize: number; concurrency: number }
  | { cmd: 'verify' }
  | { cmd: 'fanout'; seconds: number; warmupSeconds: number; payloadBytes: number }
  | { cmd: 'close' }

export type LoadReply =
  | { done: 'connect'; opened: number; failed: number; ms: number }
  | { done: 'verify'; answered: number; of: number }
  | { done: 'fanout'; deliveries: number; publishes: number; ms: number; latenciesMs: number[] }
  | { done: 'close' }

interface Member {
  socket: WebSocket
  room: number
  index: number
}

const PING = JSON.stringify({ type: 'ping' })
const members: Member[] = []
let roomSize = 1
let onFrame: (member: Member) => void = () => {}

function send(reply: LoadReply): void {
  process.send?.(reply)
}

function topicOf(room: number): string {
  return `${room.toString(16).padStart(8, '0')}${'ab'.repeat(28)}`
}

function open(url: string, room: number, index: number): Promise<Member | null> {
  return new Promise((resolve) => {
    // The server's frames are valid UTF-8 JSON; skipping validation keeps the generator's
    // own CPU cost down, so that the server, not the generator, is what gets measured.
    const socket = new WebSocket(url, { skipUTF8Validation: true, perMessageDeflate: false })
    const member: Member = { socket, room, index }
    let settled = false
    const settle = (value: Member | null): void => {
      if (settled) return
      settled = true
      resolve(value)
    }
    socket.on('error', () => settle(null))
    socket.on('close', () => settle(null))
    socket.on('open', () => {
      socket.once('message', () => settle(member))
      socket.send(JSON.stringify({ type: 'subscribe', topics: [topicOf(room)] }))
      socket.send(PING)
    })
    socket.on('message', () => onFrame(member))
  })
}

async function connect(command: Extract<LoadCommand, { cmd: 'connect' }>): Promise<void> {
  const started = performance.now()
  roomSize = command.roomSize
  let failed = 0
  const plan = Array.from({ length: command.connections }, (_, i) => ({ room: Math.floor(i / roomSize), index: i % roomSize }))
  for (let from = 0; from < plan.length; from += command.concurrency) {
    const wave = plan.slice(from, from + command.concurrency)
    const opened = await Promise.all(wave.map(({ room, index }) => open(command.urls[index % command.urls.length]!, room, index)))
    for (const member of opened) {
      if (member === null) failed++
      else members.push(member)
    }
  }
  send({ done: 'connect', opened: members.length, failed, ms: performance.now() - started })
}

async function verify(): Promise<void> {
  const answered = new Set<Member>()
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 20_000)
    onFrame = (member) => {
      answered.add(member)
      if (answered.size === members.length) {
        clearTimeout(timer)
        resolve()
      }
    }
    for (const member of members) if (member.socket.readyState === WebSocket.OPEN) member.socket.send(PING)
  })
  onFrame = () => {}
  send({ done: 'verify', answered: answered.size, of: members.length })
}

async function fanout(command: Extract<LoadCommand, { cmd: 'fanout' }>): Promise<void> {
  const rooms = new Map<number, Member>()
  for (const member of members) if (member.index === 0) rooms.set(member.room, member)
  const frame = (room: number): string => JSON.stringify({ type: 'publish', topic: topicOf(room), data: randomBytes(Math.ceil((command.payloadBytes * 3) / 4)).toString('base64') })
  const frames = new Map([...rooms.keys()].map((room) => [room, frame(room)]))
  const sentAt = new Map<number, number>()
  let measuring = false
  let stopped = false
  let deliveries = 0
  let publishes = 0
  const latencies: number[] = []
  const publish = (room: number): void => {
    const publisher = rooms.get(room)
    if (stopped || publisher?.socket.readyState !== WebSocket.OPEN) return
    sentAt.set(room, performance.now())
    publisher.socket.send(frames.get(room)!)
    if (measuring) publishes++
  }
  onFrame = (member) => {
    if (measuring) deliveries++
    if (member.index !== roomSize - 1) return
    const at = sentAt.get(member.room)
    if (measuring && at !== undefined) latencies.push(performance.now() - at)
    publish(member.room)
  }
  for (const room of rooms.keys()) publish(room)
  await new Promise((resolve) => setTimeout(resolve, command.warmupSeconds * 1000))
  measuring = true
  const started = performance.now()
  await new Promise((resolve) => setTimeout(resolve, command.seconds * 1000))
  measuring = false
  const ms = performance.now() - started
  stopped = true
  // Let the messages in flight arrive before anything else is measured.
  await new Promise((resolve) => setTimeout(resolve, 1000))
  onFrame = () => {}
  // A sample of at most 20,000 latencies is plenty for percentiles and keeps the IPC small.
  const step = Math.max(1, Math.floor(latencies.length / 20_000))
  send({ done: 'fanout', deliveries, publishes, ms, latenciesMs: latencies.filter((_, i) => i % step === 0) })
}

process.on('message', (command: LoadCommand) => {
  switch (command.cmd) {
    case 'connect':
      void connect(command)
      return
    case 'verify':
      void verify()
      return
    case 'fanout':
      void fanout(command)
      return
    case 'close':
      for (const member of members.splice(0)) member.socket.terminate()
      send({ done: 'close' })
      return
  }
})
