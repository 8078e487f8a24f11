import * as encoding from 'lib0/encoding'
import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { MessageLayer } from '../src/network/messages/MessageLayer'
import { memoryLink, sendRaw, type MemoryChannel } from '../src/network/messages/testing/memoryLinks'
import { SignedDocSync } from '../src/network/signed/SignedDocSync'
import { roomSigning } from '../src/room/roomSigning'
import { parseRoomAccess } from '../src/room/roomAccess'
import { writeBenchResult, type BenchRow } from './support/benchResult.ts'

/**
 * What a member who floods one message type costs a writer: the bytes the writer sends back on
 * that link per byte the attacker sent, and how much its process grew. The writer runs Meshpad's
 * message layer and signed sync as a page or the always-on peer does (real Ed25519 signatures),
 * with a document of about 200 kB; the attacker writes raw bytes on its data channel (in memory:
 * the layer's behaviour, not WebRTC's, is measured). Each flood is FLOOD messages over FLOOD_MS,
 * and the writer's answers are counted until SETTLE_MS after.
 */
const FLOOD = 10_000
const FLOOD_MS = 2_000
const SETTLE_MS = 1_500
const DOC_CHARS = 200_000

const EDIT_LINK = `e1.${Buffer.alloc(32, 7).toString('base64url')}`
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

interface Victim {
  readonly layer: MessageLayer
  readonly destroy: () => void
}

function victim(signed: boolean): Victim {
  const doc = new Y.Doc()
  doc.getText('content').insert(0, 'Meshpad holds. '.repeat(DOC_CHARS / 15))
  const awareness = new Awareness(doc)
  awareness.setLocalStateField('user', { name: 'Writer', color: '#112233', colorLight: '#11223333' })
  const keys = signed ? roomSigning(parseRoomAccess(EDIT_LINK)) : null
  const sync = keys && new SignedDocSync({ doc, topic: 'amplification', verifyKey: keys.verifyKey, signingKey: keys.signingKey, signingSeed: keys.signingSeed, relayFrom: () => () => true, onChange: () => {} })
  const layer = new MessageLayer({ doc, awareness, signed: sync, selfPeerId: () => 'writer', relayTargets: () => 'all', relayedPresence: () => false, onChange: () => {} })
  return { layer, destroy: () => (layer.destroy(), sync?.destroy(), awareness.destroy(), doc.destroy()) }
}

/** A link from the attacker to `target`: the writer's end counts what it sends. */
function attackerLink(target: Victim, id: string): { writerEnd: MemoryChannel; attackerEnd: MemoryChannel } {
  const { xEnd: writerEnd, yEnd: attackerEnd, xConn } = memoryLink()
  target.layer.attach(id, xConn)
  return { writerEnd, attackerEnd }
}

/** A presence update (type 1) introducing one new person, as any peer may encode it. */
function presence(clientId: number): Uint8Array {
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, 1)
  encoding.writeVarUint(inner, clientId)
  encoding.writeVarUint(inner, 1)
  encoding.writeVarString(inner, JSON.stringify({ user: { name: `fake ${clientId}`, color: '#ff0000', colorLight: '#ff000033' } }))
  const outer = encoding.createEncoder()
  encoding.writeVarUint(outer, 1)
  encoding.writeVarUint8Array(outer, encoding.toUint8Array(inner))
  return encoding.toUint8Array(outer)
}

const ATTACKS: { name: string; signed: boolean; message: (i: number) => Uint8Array }[] = [
  { name: 'Yjs sync state vector ("send me everything"), #SECRET room', signed: false, message: () => Uint8Array.of(0, 0, 1, 0) },
  { name: 'signed sync state ("send me everything")', signed: true, message: () => Uint8Array.of(0x4d, 1, 0, 0) },
  { name: 'signed sync snapshot request', signed: true, message: () => Uint8Array.of(0x4d, 4) },
  { name: 'presence query', signed: true, message: () => Uint8Array.of(3) },
  { name: 'presence of a new person', signed: true, message: (i) => presence(100_000 + i) },
  { name: 'y-webrtc "peer id" (type 4)', signed: true, message: () => Uint8Array.of(4, 1, 4, 0x61, 0x62, 0x63, 0x64) },
]

const rows: BenchRow[] = []
const summary: Record<string, unknown> = {}
for (const attack of ATTACKS) {
  const target = victim(attack.signed)
  const { writerEnd, attackerEnd } = attackerLink(target, 'attacker')
  // The attacker first joins as anyone does (its state vector, answered with the whole document):
  // that answer is what any newcomer costs, not the flood's doing.
  sendRaw(attackerEnd, attack.signed ? Uint8Array.of(0x4d, 1, 0, 0) : Uint8Array.of(0, 0, 1, 0))
  attackerEnd.flush()
  await pause(500)
  const opening = writerEnd.bytesSent
  const rssBefore = process.memoryUsage().rss
  let attackerBytes = 0
  const batch = FLOOD / 20
  for (let sent = 0; sent < FLOOD; sent += batch) {
    for (let i = sent; i < sent + batch; i++) {
      const message = attack.message(i)
      attackerBytes += message.byteLength
      sendRaw(attackerEnd, message)
    }
    attackerEnd.flush()
    writerEnd.wire.length = 0
    await pause(FLOOD_MS / 20)
  }
  await pause(SETTLE_MS)
  const answered = writerEnd.bytesSent - opening
  const rssGrowth = process.memoryUsage().rss - rssBefore
  const ratio = answered / attackerBytes
  summary[attack.name] = { attackerBytes, answeredBytes: answered, ratio, rssGrowthBytes: rssGrowth, dropped: Object.fromEntries(target.layer.dropped) }
  rows.push({
    figure: `bytes sent back per byte flooded: ${attack.name}`,
    meshpad: `${ratio.toFixed(3)} (${attackerBytes} B in, ${answered} B out; RSS ${rssGrowth < 0 ? '−' : '+'}${(Math.abs(rssGrowth) / 2 ** 20).toFixed(1)} MiB)`,
    anchor: 'stock y-webrtc: every request answered',
    target: '≤ 2',
  })
  target.destroy()
}

writeBenchResult({
  name: 'amplification',
  title: 'What a flooding member costs a writer',
  rows,
  summary,
  samples: {},
  notes: [
    `Each row: ${FLOOD} messages of one type over ${FLOOD_MS} ms on one link to a writer holding a ${DOC_CHARS / 1000} kB document, counted until ${SETTLE_MS} ms after; Node, the message layer and signed sync with real Ed25519, in-memory channels.`,
    "The attacker's link first joins as any newcomer does (one whole-document answer, not counted); after it, a link earns 2 bytes of answers per byte it sends plus 32 kB per second (src/network/messages/linkBudget.ts).",
    'Before the message layer, each "send me everything" was answered with the whole document, encoded and signed: 10,000 requests of 4 bytes made a writer queue about 2 GB.',
  ],
})
