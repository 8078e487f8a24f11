import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { readIceConfig } from './iceConfig.js'
import { CoturnProcess, SHIPPED_COTURN_CONFIG } from '../testing/coturnProcess.js'
import { SignalingHarness } from '../testing/signalingHarness.js'
import { TurnClient } from '../testing/turnClient.js'

const SECRET = 'a-test-secret-for-coturn'
/** Stands for the server's own public address (a documentation address: nothing is sent to it). */
const PUBLIC_ADDRESS = '203.0.113.10'

const harness = new SignalingHarness()
let coturn: CoturnProcess | undefined
const clients: TurnClient[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.close()
  await harness.cleanup()
  await coturn?.stop()
  coturn = undefined
})

function turnClient(username: string, password: string): TurnClient {
  const client = new TurnClient('127.0.0.1', coturn!.port, username, password)
  clients.push(client)
  return client
}

type IceBody = { iceServers: { username?: string; credential?: string }[]; turn?: string }

describe('the relay, with the shipped coturn config', () => {
  it('relays for a person in a room, not for a stranger, and never into the server itself or private networks', async () => {
    coturn = await CoturnProcess.start(SECRET, PUBLIC_ADDRESS)
    const ice = readIceConfig({ TURN_URLS: `turn:127.0.0.1:${coturn.port}`, TURN_SECRET: SECRET })
    const { http, ws } = await harness.start({ ice, iceWaitMs: 300, trustProxy: ['loopback'] })
    const from = (address: string) => ({ headers: { 'X-Forwarded-For': address } })

    // A stranger (no signaling connection in a room) gets no credentials, and guessing fails.
    const strangerBody = (await (await fetch(`${http}/ice-servers`, from('198.51.100.66'))).json()) as IceBody
    expect(strangerBody).toMatchObject({ iceServers: [], turn: 'not_in_room' })
    expect((await turnClient(`${Math.floor(Date.now() / 1000) + 3600}:guess`, 'guess').allocate()).code).toBe(401)
    // Credentials expire: an expired username with a correct HMAC is refused.
    const { createHmac } = await import('node:crypto')
    const expired = `${Math.floor(Date.now() / 1000) - 60}:old`
    expect((await turnClient(expired, createHmac('sha1', SECRET).update(expired).digest('base64')).allocate()).code).toBe(401)

    // A person in a room gets credentials that coturn accepts.
    const member = await harness.connect(`${ws}/signaling`, from('198.51.100.1'))
    await member.subscribe('their-room')
    const body = (await (await fetch(`${http}/ice-servers`, from('198.51.100.1'))).json()) as IceBody
    const { username, credential } = body.iceServers[0]!
    const relay = turnClient(username!, credential!)
    expect(await relay.allocate()).toMatchObject({ code: 0 })
    // A public peer may be reached; the server's own address and private ranges may not.
    expect((await relay.permit('198.51.100.20')).code).toBe(0)
    for (const denied of [PUBLIC_ADDRESS, '10.0.0.1', '192.168.1.1', '172.16.0.1', '169.254.169.254', '100.64.0.1']) {
      expect({ denied, code: (await relay.permit(denied)).code }).toEqual({ denied, code: 403 })
    }
  }, 30_000)

  it('caps bandwidth per session and in total, and allocations per username and in total', () => {
    const config = readFileSync(SHIPPED_COTURN_CONFIG, 'utf8')
    const value = (name: string) => Number(new RegExp(`^${name}=(\\d+)$`, 'm').exec(config)?.[1])
    expect(value('max-bps')).toBeGreaterThan(0)
    expect(value('bps-capacity')).toBeGreaterThanOrEqual(value('max-bps'))
    expect(value('user-quota')).toBeGreaterThan(0)
    // What one address can hold (five usernames at once) stays a minority of the relay.
    expect(5 * value('user-quota')).toBeLessThanOrEqual(value('total-quota') / 4)
  })
})
