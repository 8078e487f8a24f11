import { describe, expect, it } from 'vitest'
import { waitFor } from '../../signaling/testing/conditions'
import type { WebrtcConn } from './PeerLinks'
import { FAILED_MEMORY_MS, PeerPaths, UNREACHABLE_AFTER_MS } from './PeerPaths'
import { FIRST_PUBLISH_MS } from './gossip/latencyClass'

/** A y-webrtc connection whose RTCPeerConnection reports what the test says. */
class FakeConn {
  connected = false
  closed = false
  iceState: RTCIceConnectionState = 'checking'
  pair: [string, string] | null = null
  /** The selected pair's round-trip time in seconds, as getStats reports it. */
  rtt: number | undefined = undefined
  statsReads = 0
  private readonly handlers = new Map<string, Set<(...args: never[]) => void>>()
  private readonly pcListeners = new Set<(event: Event) => void>()
  readonly peer: WebrtcConn['peer']

  constructor() {
    const pc = {
      connectionState: 'connecting',
      iceConnectionState: 'checking',
      getStats: async () => {
        this.statsReads++
        const entries: Record<string, unknown>[] = []
        if (this.pair) {
          entries.push({ id: 'T', type: 'transport', selectedCandidatePairId: 'P' }, { id: 'P', type: 'candidate-pair', localCandidateId: 'L', remoteCandidateId: 'R', currentRoundTripTime: this.rtt })
          entries.push({ id: 'L', type: 'local-candidate', candidateType: this.pair[0] }, { id: 'R', type: 'remote-candidate', candidateType: this.pair[1] })
        }
        return { forEach: (f: (entry: unknown) => void) => entries.forEach(f) }
      },
      addEventListener: (_type: string, listener: (event: Event) => void) => this.pcListeners.add(listener),
      removeEventListener: (_type: string, listener: (event: Event) => void) => this.pcListeners.delete(listener),
    }
    Object.defineProperty(pc, 'iceConnectionState', { get: () => this.iceState })
    this.peer = {
      on: (event: string, listener: (...args: never[]) => void) => this.handlers.set(event, (this.handlers.get(event) ?? new Set()).add(listener)),
      removeListener: (event: string, listener: (...args: never[]) => void) => this.handlers.get(event)?.delete(listener),
      listenerCount: (event: string) => this.handlers.get(event)?.size ?? 0,
      send: () => {},
      _pc: pc as unknown as RTCPeerConnection,
    }
  }

  emit(event: string): void {
    for (const listener of this.handlers.get(event) ?? []) (listener as () => void)()
  }

  turnError(errorCode: number): void {
    for (const listener of this.pcListeners) listener(Object.assign(new Event('icecandidateerror'), { url: 'turn:203.0.113.5:3478?transport=udp', errorCode }))
  }

  listeners(): number {
    return [...this.handlers.values()].reduce((sum, set) => sum + set.size, 0) + this.pcListeners.size
  }
}

function setup() {
  const conns = new Map<string, WebrtcConn>()
  let now = 0
  let changes = 0
  const paths = new PeerPaths(() => conns, () => changes++, () => [], () => now)
  return {
    paths,
    conns,
    add(peerId: string): FakeConn {
      const conn = new FakeConn()
      conns.set(peerId, conn as unknown as WebrtcConn)
      return conn
    },
    advance: (ms: number) => (now += ms),
    changes: () => changes,
  }
}

describe('PeerPaths', () => {
  it('reads connecting, then direct or relay from the selected pair', async () => {
    const lab = setup()
    const a = lab.add('a')
    lab.paths.refresh()
    await waitFor(() => lab.paths.pathOf('a')?.path === 'connecting')
    expect(lab.paths.summary.connecting).toBe(1)
    // Its stats are not read until simple-peer says it is up (see readPeerPath).
    expect(a.statsReads).toBe(0)
    a.iceState = 'connected'
    a.pair = ['relay', 'srflx']
    a.connected = true
    a.emit('connect')
    await waitFor(() => lab.paths.pathOf('a')?.path === 'relay')
    expect(lab.paths.pathOf('a')).toEqual({ path: 'relay', localType: 'relay', remoteType: 'srflx' })
    expect(a.statsReads).toBeGreaterThan(0)
    expect(lab.paths.summary).toMatchObject({ relay: 1, connecting: 0, unreachable: 0 })
    lab.paths.destroy()
  })

  it('publishes a link\'s steady round-trip time class once it was read for a while, and a spike changes nothing', async () => {
    const lab = setup()
    const a = lab.add('a')
    a.iceState = 'connected'
    a.pair = ['host', 'host']
    a.connected = true
    a.rtt = 0.03
    lab.paths.refresh()
    await waitFor(() => lab.paths.pathOf('a')?.path === 'direct')
    expect(lab.paths.linkMs('a')).toBe(0)
    const before = lab.changes()
    lab.advance(FIRST_PUBLISH_MS)
    lab.paths.refresh()
    await waitFor(() => lab.paths.linkMs('a') === 32)
    expect(lab.changes()).toBe(before + 1)
    a.rtt = 0.4
    lab.advance(2_000)
    const reads = a.statsReads
    lab.paths.refresh()
    await waitFor(() => a.statsReads > reads)
    expect(lab.paths.linkMs('a')).toBe(32)
    lab.paths.destroy()
  })

  it('says a peer cannot be reached when nothing comes up in time, and keeps saying so while it is retried', async () => {
    const lab = setup()
    const first = lab.add('b')
    lab.paths.refresh()
    await waitFor(() => lab.paths.pathOf('b')?.path === 'connecting')
    lab.advance(UNREACHABLE_AFTER_MS + 1)
    lab.paths.refresh()
    await waitFor(() => lab.paths.pathOf('b')?.path === 'failed')
    // The connection times out and goes; a retry starts: still "could not connect" until it works.
    first.emit('close')
    lab.conns.delete('b')
    const retry = lab.add('b')
    lab.paths.refresh()
    await waitFor(() => lab.paths.summary.unreachable === 1 && lab.paths.pathOf('b')?.path === 'failed')
    retry.iceState = 'connected'
    retry.pair = ['srflx', 'srflx']
    retry.connected = true
    lab.paths.refresh()
    await waitFor(() => lab.paths.pathOf('b')?.path === 'direct')
    expect(lab.paths.summary).toMatchObject({ direct: 1, unreachable: 0 })
    lab.paths.destroy()
  })

  it('forgets a failed peer that is no longer tried, and reports a refused TURN server', async () => {
    const lab = setup()
    lab.paths.setTurnConfigured(true)
    const c = lab.add('c')
    lab.paths.refresh()
    await waitFor(() => lab.paths.pathOf('c') !== undefined)
    c.turnError(401)
    c.iceState = 'failed'
    lab.paths.refresh()
    await waitFor(() => lab.paths.summary.relayProblem)
    expect(lab.paths.summary).toMatchObject({ unreachable: 1, turnConfigured: true })
    lab.conns.delete('c')
    lab.advance(FAILED_MEMORY_MS + 1)
    lab.paths.refresh()
    await waitFor(() => lab.paths.pathOf('c') === undefined)
    expect(lab.paths.summary.unreachable).toBe(0)
    expect(c.listeners()).toBe(0)
    expect(lab.changes()).toBeGreaterThan(0)
    lab.paths.destroy()
    lab.paths.destroy()
  })
})
