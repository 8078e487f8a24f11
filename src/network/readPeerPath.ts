/**
 * How this page reaches one peer, as a person reads it:
 * - `connecting`: ICE is still trying.
 * - `direct`: the selected candidate pair joins the two browsers (host or server-reflexive
 *   candidates on both sides): the bytes go straight between them.
 * - `relay`: one side of the selected pair is a TURN relay candidate: the bytes (DTLS-encrypted)
 *   pass through the TURN server.
 * - `failed`: no candidate pair works (ICE failed, or nothing came up in time).
 * - `server`: no WebRTC path; the signaling server's relay of last resort carries the messages,
 *   end-to-end encrypted (see `ServerRelay`).
 */
export type PeerPath = 'connecting' | 'direct' | 'relay' | 'failed' | 'server'

/** A path with what it was read from (the candidate types of the selected pair, when there is one). */
export interface PeerPathInfo {
  readonly path: PeerPath
  readonly localType?: RTCIceCandidateType
  readonly remoteType?: RTCIceCandidateType
  /** The selected pair's latest round-trip time (STUN consent checks), in ms, where the browser reports one. */
  readonly rttMs?: number
}

interface StatsEntry {
  readonly id: string
  readonly type: string
  readonly [field: string]: unknown
}

/**
 * Classifies one connection from its `getStats()` report and ICE state. The selected pair is the
 * transport's `selectedCandidatePairId` (Chromium, Firefox ≥ 121), else the pair marked
 * `selected` (older Firefox), else a nominated pair that succeeded.
 */
export function classifyPeerPath(report: Iterable<StatsEntry>, iceState: RTCIceConnectionState | undefined): PeerPathInfo {
  if (iceState === 'failed' || iceState === 'closed' || iceState === undefined) return { path: 'failed' }
  const byId = new Map<string, StatsEntry>()
  for (const entry of report) byId.set(entry.id, entry)
  let pair: StatsEntry | undefined
  for (const entry of byId.values()) {
    if (entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string') pair = byId.get(entry.selectedCandidatePairId)
  }
  pair ??= [...byId.values()].find((entry) => entry.type === 'candidate-pair' && entry.selected === true)
  pair ??= [...byId.values()].find((entry) => entry.type === 'candidate-pair' && entry.nominated === true && entry.state === 'succeeded')
  const connected = iceState === 'connected' || iceState === 'completed'
  if (pair === undefined || !connected) return { path: 'connecting' }
  const local = byId.get(String(pair.localCandidateId))?.candidateType as RTCIceCandidateType | undefined
  const remote = byId.get(String(pair.remoteCandidateId))?.candidateType as RTCIceCandidateType | undefined
  if (local === undefined || remote === undefined) return { path: 'connecting' }
  const path = local === 'relay' || remote === 'relay' ? 'relay' : 'direct'
  const rtt = pair.currentRoundTripTime
  const rttMs = typeof rtt === 'number' && Number.isFinite(rtt) && rtt >= 0 ? Math.round(rtt * 1000) : undefined
  return rttMs === undefined ? { path, localType: local, remoteType: remote } : { path, localType: local, remoteType: remote, rttMs }
}

/**
 * Classifies a connection: from its stats once it is `up` (simple-peer said `connect`), before
 * that from its ICE state alone. A closed or missing connection is `failed`.
 * Chromium answers getStats from a report it keeps for 50 ms. One read while the connection
 * comes up can lack the selected candidate pair; simple-peer's own read, when the data channel
 * opens, would get that report and try again only 100 ms later, and the link comes up that late.
 */
export async function readPeerPath(pc: RTCPeerConnection | null | undefined, up: boolean): Promise<PeerPathInfo> {
  if (pc === null || pc === undefined || pc.connectionState === 'closed') return { path: 'failed' }
  if (!up) return classifyPeerPath([], pc.iceConnectionState)
  try {
    const report = await pc.getStats()
    const entries: StatsEntry[] = []
    report.forEach((entry: StatsEntry) => entries.push(entry))
    return classifyPeerPath(entries, pc.iceConnectionState)
  } catch {
    // getStats rejects once the connection closes under it.
    return { path: 'failed' }
  }
}
