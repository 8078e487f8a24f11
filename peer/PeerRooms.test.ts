// @vitest-environment node
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '../signaling/testing/conditions'
import { openMemoryCopy } from '../src/storage/MemoryCopy'
import { PeerRooms } from './PeerRooms'
import { parseRoomLinks } from './roomLinks'

const STUN = 'stun:stun.example.test:3478'
let server: Server | null = null
let rooms: PeerRooms | null = null

afterEach(async () => {
  await rooms?.close()
  rooms = null
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  server = null
})

/** A Meshpad-like origin that answers `/ice-servers` (and nothing else: signaling stays down). */
async function iceOrigin(): Promise<{ origin: string; requests: string[] }> {
  const requests: string[] = []
  server = createServer((request, response) => {
    requests.push(request.url ?? '')
    if (request.url !== '/ice-servers') return void response.writeHead(404).end()
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ iceServers: [{ urls: [STUN] }], expiresAt: null }))
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return { origin: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, requests }
}

describe('PeerRooms', () => {
  it("asks its rooms' server for ICE servers once per origin, when it starts keeping them (before any wakes)", async () => {
    const { origin, requests } = await iceOrigin()
    rooms = new PeerRooms(openMemoryCopy, pino({ level: 'silent' }))
    const wanted = parseRoomLinks([
      { link: `${origin}/#first-room`, where: 'argument 1' },
      { link: `${origin}/#second-room`, where: 'argument 2' },
    ])
    await rooms.apply(wanted)
    await waitFor(() => requests.includes('/ice-servers'), 10_000)
    await rooms.apply([...wanted, ...parseRoomLinks([{ link: `${origin}/#third-room`, where: 'argument 3' }])])
    expect(rooms.size).toBe(3)
    expect(requests.filter((url) => url === '/ice-servers')).toHaveLength(1)
  })

  it('keeps working without ICE servers when the server has no /ice-servers (404)', async () => {
    const { origin, requests } = await iceOrigin()
    server!.removeAllListeners('request')
    server!.on('request', (request, response) => {
      requests.push(request.url ?? '')
      response.writeHead(404).end()
    })
    rooms = new PeerRooms(openMemoryCopy, pino({ level: 'silent' }))
    const [room] = parseRoomLinks([{ link: `${origin}/#lonely-room`, where: 'argument 1' }])
    await rooms.apply([room!])
    await waitFor(() => requests.includes('/ice-servers'), 10_000)
    expect(rooms.size).toBe(1)
    expect(rooms.health()).toMatchObject([{ storage: 'asleep', awake: false }])
  })
})
