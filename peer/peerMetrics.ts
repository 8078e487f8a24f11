import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'

/** Live values read when `/metrics` is scraped. */
export interface PeerMetricSources {
  rooms(): number
  /** Rooms with an open session (waking included); the others sleep. */
  awakeRooms(): number
  connectedPeers(): number
  storedBytes(): Promise<number>
  /** `Date.now()` of the last confirmed write, or null. */
  lastWriteAt(): number | null
}

const PREFIX = 'meshpad_peer_'

/** The always-on peer's Prometheus registry: its gauges and the process's default metrics. */
export function peerMetrics(sources: PeerMetricSources): Registry {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: PREFIX })
  new Gauge({
    name: `${PREFIX}rooms`,
    help: 'Rooms this peer keeps.',
    registers: [registry],
    collect() {
      this.set(sources.rooms())
    },
  })
  new Gauge({
    name: `${PREFIX}rooms_awake`,
    help: 'Rooms with an open session (waking included); the others sleep until someone comes.',
    registers: [registry],
    collect() {
      this.set(sources.awakeRooms())
    },
  })
  new Gauge({
    name: `${PREFIX}connected_peers`,
    help: 'WebRTC peers with an open data channel, summed over rooms.',
    registers: [registry],
    collect() {
      this.set(sources.connectedPeers())
    },
  })
  new Gauge({
    name: `${PREFIX}stored_bytes`,
    help: 'Bytes of the LevelDB directory holding every room.',
    registers: [registry],
    async collect() {
      this.set(await sources.storedBytes())
    },
  })
  new Gauge({
    name: `${PREFIX}last_write_timestamp_seconds`,
    help: 'When a room last confirmed a write (Unix time; 0: none yet).',
    registers: [registry],
    collect() {
      const at = sources.lastWriteAt()
      this.set(at === null ? 0 : at / 1000)
    },
  })
  return registry
}
