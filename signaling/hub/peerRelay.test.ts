import { afterEach, describe, expect, it } from 'vitest'
import { waitFor } from '../testing/conditions.js'
import { SignalingHarness } from '../testing/signalingHarness.js'

const harness = new SignalingHarness()
afterEach(() => harness.cleanup())

const frame = (topic: string, data = 'c2VhbGVk') => ({ type: 'relay', topic, data })

describe('the relay of last resort', () => {
  it('forwards a relay frame to the topic’s other subscribers, not to its sender, and counts its bytes', async () => {
    const { ws, signaling } = await harness.start()
    const [a, b, c, other] = await Promise.all([harness.connect(ws), harness.connect(ws), harness.connect(ws), harness.connect(ws)])
    await Promise.all([a.subscribe('room'), b.subscribe('room'), c.subscribe('room'), other.subscribe('elsewhere')])

    a.send(frame('room'))
    for (const receiver of [b, c]) expect(await receiver.nextMessage()).toEqual(frame('room'))
    for (const quiet of [a, other]) await quiet.expectNothingElse()
    expect((await signaling.stats()).relayedBytes).toBe('c2VhbGVk'.length)
  })

  it('refuses a frame for a room its sender never joined: counted, the sender told, nobody else reached', async () => {
    const { ws, signaling } = await harness.start()
    const [member, stranger] = await Promise.all([harness.connect(ws), harness.connect(ws)])
    await member.subscribe('room')

    stranger.send(frame('room'))
    expect(await stranger.nextMessage()).toEqual({ type: 'relay-refused', topic: 'room', reason: 'not_subscribed' })
    await member.expectNothingElse()
    expect((await signaling.stats()).dropped.relay_not_subscribed).toBe(1)
  })

  it('refuses oversized and malformed frames as invalid, and keeps the connection', async () => {
    const { ws, signaling } = await harness.start({ maxMessageBytes: 1024 * 1024 })
    const [a, b] = await Promise.all([harness.connect(ws), harness.connect(ws)])
    await Promise.all([a.subscribe('room'), b.subscribe('room')])

    a.send(frame('room', 'x'.repeat(64 * 1024 + 1)))
    a.send({ type: 'relay', topic: 'room', data: 5 })
    a.send({ type: 'relay', topic: 'room', data: '' })
    await waitFor(async () => (await signaling.stats()).dropped.invalid === 3)
    a.send(frame('room'))
    expect(await b.nextMessage()).toEqual(frame('room'))
  })

  it('turned off by the operator: refused and said so, nothing forwarded', async () => {
    const { ws, signaling } = await harness.start({ peerRelay: false })
    const [a, b] = await Promise.all([harness.connect(ws), harness.connect(ws)])
    await Promise.all([a.subscribe('room'), b.subscribe('room')])

    a.send(frame('room'))
    expect(await a.nextMessage()).toEqual({ type: 'relay-refused', topic: 'room', reason: 'off' })
    await b.expectNothingElse()
    expect((await signaling.stats()).dropped.relay_off).toBe(1)
  })

  it('holds a flooding connection to its bytes per second while another room keeps its throughput', async () => {
    const { ws, signaling } = await harness.start({
      peerRelay: { connectionBytesPerSecond: 4096, instanceBytesPerSecond: 1024 * 1024 },
      rateLimit: false,
    })
    const [flooder, victim, honestA, honestB] = await Promise.all([harness.connect(ws), harness.connect(ws), harness.connect(ws), harness.connect(ws)])
    await Promise.all([flooder.subscribe('noisy'), victim.subscribe('noisy'), honestA.subscribe('quiet'), honestB.subscribe('quiet')])

    const data = 'x'.repeat(1000)
    for (let i = 0; i < 200; i++) flooder.send(frame('noisy', data))
    honestA.send(frame('quiet', 'aG9uZXN0'))
    expect(await honestB.nextMessage()).toEqual(frame('quiet', 'aG9uZXN0'))
    await waitFor(async () => (await signaling.stats()).dropped.relay_rate_limited >= 150)
    // The burst (four seconds' worth) went through; the rest was refused, with one notice per second.
    const forwarded = victim.received.filter((message) => (message as { type?: string }).type === 'relay').length
    expect(forwarded).toBeGreaterThanOrEqual(16)
    expect(forwarded).toBeLessThanOrEqual(20)
    const notices = flooder.received.filter((message) => (message as { type?: string }).type === 'relay-refused')
    expect(notices.length).toBeGreaterThanOrEqual(1)
    expect(notices.length).toBeLessThanOrEqual(3)
  })
})
