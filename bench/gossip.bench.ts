import { runScenario, type ScenarioResult } from '../src/network/gossip/simulation/runScenario.ts'
import type { RelayPolicy } from '../src/network/gossip/simulation/SimPeer.ts'
import { writeBenchResult, type BenchRow } from './support/benchResult.ts'

/**
 * Gossip cost past a full mesh, in the seeded simulation (`src/network/gossip/simulation/`) that
 * runs the real relay code on real Y.Docs: messages and bytes per edit, in total and for the
 * busiest peer, and edit → every other peer latency (simulated ms; links 5–30 ms one way) and hops,
 * at 8, 16, 32 and 50 peers. y-webrtc's own membership (maxConns 20 + 0–14) decides the links, so
 * the rooms of 32 and 50 are partial meshes. "stock" is unpatched y-webrtc (every peer forwards
 * every new update to all its links), "flood" the `MeshRelay` of earlier releases (a full mesh's
 * behaviour carried past it: every update to every link), "shared tree" the `TreeRelay` on one
 * tree for the room, "author hops" on the breadth-first tree rooted at each update's author (the
 * previous release: fewest hops), "after" on the fastest-path tree rooted at the author, links
 * weighed by the round-trip time classes peers publish; every tree with `GossipRepair` (its
 * anti-entropy rounds included in the counts).
 */
const SIZES = [8, 16, 32, 50] as const
const SEEDS = [1, 2, 3] as const
const EDITS = 60
const POLICIES: readonly RelayPolicy[] = ['flood', 'mesh', 'sharedTree', 'hopTree', 'tree']

type Runs = Record<RelayPolicy, ScenarioResult[]>

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length
const fmt = (value: number, digits = 1): string => value.toFixed(digits)

const results = new Map<number, Runs>()
for (const peers of SIZES) {
  const runs: Runs = { flood: [], mesh: [], sharedTree: [], hopTree: [], tree: [] }
  for (const policy of POLICIES) {
    for (const seed of SEEDS) {
      const result = runScenario({ seed, policy, peers, edits: EDITS, membership: policy !== 'flood' && policy !== 'mesh' })
      if (!result.converged || !result.allDelivered) throw new Error(`${policy} at ${peers} peers (seed ${seed}) did not converge`)
      runs[policy].push(result)
    }
  }
  results.set(peers, runs)
}

const rows: BenchRow[] = []
const table: Record<string, Record<string, string>> = {}
for (const [peers, runs] of results) {
  const of = (policy: RelayPolicy, pick: (r: ScenarioResult) => number): number => mean(runs[policy].map(pick))
  const ideal = peers - 1
  const naive = peers * (peers - 1)
  const figures = {
    messages: (r: ScenarioResult) => r.messagesPerEdit,
    bytes: (r: ScenarioResult) => r.bytesPerEdit,
    busiest: (r: ScenarioResult) => r.maxPeerMessagesPerEdit,
    p50: (r: ScenarioResult) => r.latencyMs.p50,
    p99: (r: ScenarioResult) => r.latencyMs.p99,
    hops: (r: ScenarioResult) => r.hops.p99,
  }
  const v = Object.fromEntries(
    Object.entries(figures).map(([name, pick]) => [name, { flood: of('flood', pick), mesh: of('mesh', pick), sharedTree: of('sharedTree', pick), hopTree: of('hopTree', pick), tree: of('tree', pick) }]),
  ) as Record<keyof typeof figures, Record<RelayPolicy, number>>
  table[`${peers} peers`] = {
    'msgs/edit stock': fmt(v.messages.flood),
    'msgs/edit flood': fmt(v.messages.mesh),
    'msgs/edit shared tree': fmt(v.messages.sharedTree),
    'msgs/edit author hops': fmt(v.messages.hopTree),
    'msgs/edit after': fmt(v.messages.tree),
    'n(n-1)': String(naive),
    'n-1': String(ideal),
    'bytes/edit flood/after': `${fmt(v.bytes.mesh, 0)}/${fmt(v.bytes.tree, 0)}`,
    'busiest peer shared/hops/after': `${fmt(v.busiest.sharedTree)}/${fmt(v.busiest.hopTree)}/${fmt(v.busiest.tree)}`,
    'p50 ms flood/shared/hops/after': `${fmt(v.p50.mesh)}/${fmt(v.p50.sharedTree)}/${fmt(v.p50.hopTree)}/${fmt(v.p50.tree)}`,
    'p99 ms flood/shared/hops/after': `${fmt(v.p99.mesh)}/${fmt(v.p99.sharedTree)}/${fmt(v.p99.hopTree)}/${fmt(v.p99.tree)}`,
  }
  const both = (name: keyof typeof figures, digits = 1, unit = ''): string =>
    `after ${fmt(v[name].tree, digits)}${unit} · author hops ${fmt(v[name].hopTree, digits)}${unit} · shared tree ${fmt(v[name].sharedTree, digits)}${unit} · flood ${fmt(v[name].mesh, digits)}${unit} · stock y-webrtc ${fmt(v[name].flood, digits)}${unit}`
  rows.push(
    { figure: `${peers} peers: messages per edit (total)`, meshpad: both('messages'), anchor: `naive flooding n·(n − 1) = ${naive}; ideal n − 1 = ${ideal}`, target: `≤ ${fmt(1.5 * ideal)} (1.5·(n − 1))` },
    { figure: `${peers} peers: bytes per edit (total)`, meshpad: both('bytes', 0, ' B'), anchor: '—', target: '—' },
    { figure: `${peers} peers: messages per edit, busiest peer`, meshpad: both('busiest'), anchor: '—', target: '—' },
    {
      figure: `${peers} peers: edit → peer latency p50 / p99 (simulated)`,
      meshpad: `after ${fmt(v.p50.tree)} / ${fmt(v.p99.tree)} ms (${fmt(v.p50.tree / v.p50.mesh, 2)}× / ${fmt(v.p99.tree / v.p99.mesh, 2)}×) · author hops ${fmt(v.p50.hopTree)} / ${fmt(v.p99.hopTree)} ms (${fmt(v.p50.hopTree / v.p50.mesh, 2)}× / ${fmt(v.p99.hopTree / v.p99.mesh, 2)}×) · shared tree ${fmt(v.p50.sharedTree)} / ${fmt(v.p99.sharedTree)} ms`,
      anchor: `flood (every update to every link) ${fmt(v.p50.mesh)} / ${fmt(v.p99.mesh)} ms`,
      target: '≤ 1.2× the flood',
    },
    { figure: `${peers} peers: hops p99`, meshpad: both('hops', 0), anchor: '—', target: '—' },
  )
}
console.table(table)

writeBenchResult({
  name: 'gossip',
  title: 'Gossip past a full mesh (simulated rooms of 8–50 peers)',
  rows,
  summary: Object.fromEntries([...results].map(([peers, runs]) => [peers, runs])),
  samples: {},
  notes: [
    `Seeded simulation (seeds ${SEEDS.join(', ')}; ${EDITS} one-character edits by random peers, one every 100 ms, after the room settled) running the real relay code on real Y.Docs; means over the seeds.`,
    'Links: y-webrtc membership (a peer opens a connection to an announcing peer while it has fewer than maxConns = 20 + 0–14), one-way delay 5–30 ms per link plus 0–5 ms jitter, awareness views lagging up to 100 ms.',
    '"flood" = MeshRelay (forward everything while the mesh is not known to be full: a full mesh\'s latency past it); "shared tree" = TreeRelay on one breadth-first tree from the best-connected peer; "author hops" = TreeRelay on the breadth-first tree rooted at each update\'s author (its one Yjs client, named by presence; the previous release); "after" = TreeRelay on the fastest-path tree rooted at the author, each link weighed by the round-trip time class its ends publish (`linkMs`: twice its one-way delay in classes of √2, see latencyClass.ts), all agreed from the `links` and `linkMs` awareness fields; every tree with GossipRepair (one state-vector exchange per peer every 5 s, counted).',
    'Up to 16 peers the mesh is full and every relay costs n − 1. A shared tree makes an edit climb to its root and down; a tree rooted at the author takes shortest paths in hops; weighed by round-trip time classes, the fastest paths; each still one message per peer.',
  ],
})
