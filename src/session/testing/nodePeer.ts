/**
 * A peer in a Node process of its own, for tests: `tsx nodePeer.ts LINK TEXT [MAX_CONNS]` opens
 * the room of LINK with the session core (@roamhq/wrtc, memory storage; y-webrtc's `maxConns` if
 * given), appends TEXT, prints `ready`, then a JSON line {@link NodePeerReport} after every change
 * of the text, of the count of data-channel messages sent or of the links it publishes, and when
 * asked. It reads commands on stdin, one a line (tests and benchmarks):
 * - `append TEXT`: appends TEXT to the document (the report of that change is stamped with when);
 * - `relay RULE`: relays by RULE from now on (see `relayRule.ts`);
 * - `report`: prints a report now.
 * SIGTERM, or stdin closing (the process that started it is gone), destroys the session and exits.
 */
import { createInterface } from 'node:readline'
import { dataChannelSends } from '../../network/chunkingRtc'
import { relayRuleFrom, type RelayRule } from '../../network/gossip/relayRule'
import { userWithColor } from '../../presence/userIdentity'
import { parseRoomLink } from '../../room/parseRoomLink'
import { openMemoryCopy } from '../../storage/MemoryCopy'
import { openNodeSession } from '../nodeSession'

/** What a Node peer prints about itself. */
export interface NodePeerReport {
  readonly text: string
  /** Its y-webrtc peer id, once its room is open ('' before). */
  readonly peerId: string
  /** Data-channel messages this process has sent so far. */
  readonly sends: number
  /** Peers reached over an open WebRTC data channel. */
  readonly peers: number
  /** The peer ids it publishes as its links, and each link's published round-trip time class in ms (0: none). */
  readonly links: readonly string[]
  readonly linkMs: readonly number[]
  /** When this was printed, ms since the epoch (`performance.timeOrigin + performance.now()`). */
  readonly at: number
}

const [link, text = '', maxConns] = process.argv.slice(2)
if (link === undefined) {
  console.error('usage: nodePeer.ts LINK [TEXT] [MAX_CONNS]')
  process.exit(2)
}
let rule: RelayRule = 'weighted'
const session = openNodeSession(parseRoomLink(link), { user: userWithColor('Node peer', '#30a46c'), storage: openMemoryCopy,
  maxConns: maxConns === undefined ? undefined : Number(maxConns),
  relayRule: () => rule,
})
let printed = ''
const print = (force = false): void => {
  const state = session.awareness.getLocalState() as { peerId?: unknown; links?: unknown; linkMs?: unknown } | null
  const fields = {
    text: session.text.toString(),
    peerId: typeof state?.peerId === 'string' ? state.peerId : '',
    sends: dataChannelSends.messages,
    peers: session.debug().webrtcConnected,
    links: Array.isArray(state?.links) ? state.links : [],
    linkMs: Array.isArray(state?.linkMs) ? state.linkMs : [],
  }
  const line = JSON.stringify(fields)
  if (line !== printed || force) process.stdout.write(`${JSON.stringify({ ...fields, at: performance.timeOrigin + performance.now() })}\n`)
  printed = line
}
// Registered after y-webrtc's own `update` listener, so a report includes its forwards.
session.doc.on('update', () => print())
const counter = setInterval(print, 200)
session.text.insert(session.text.length, text)
process.stdout.write('ready\n')
const stop = (): void => {
  clearInterval(counter)
  session.destroy()
  process.exit(0)
}
createInterface({ input: process.stdin }).on('close', stop).on('line', (line) => {
  const [command = '', ...rest] = line.split(' ')
  const argument = rest.join(' ')
  if (command === 'append') session.text.insert(session.text.length, argument)
  else if (command === 'relay') rule = relayRuleFrom(argument) ?? rule
  else if (command === 'report') print(true)
})
process.on('SIGTERM', stop)
