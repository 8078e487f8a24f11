/**
 * A peer in a Node process of its own, for tests: `tsx nodePeer.ts LINK TEXT [MAX_CONNS]` opens
 * the room of LINK with the session core (@roamhq/wrtc, memory storage; y-webrtc's `maxConns` if
 * given), appends TEXT, prints `ready`, then a JSON line `{"text": …, "sends": …}` after every
 * change of the text or of the count of data-channel messages sent. SIGTERM destroys the session
 * and exits.
 */
import { dataChannelSends } from '../../network/chunkingRtc'
import { userWithColor } from '../../presence/userIdentity'
import { parseRoomLink } from '../../room/parseRoomLink'
import { openMemoryCopy } from '../../storage/MemoryCopy'
import { openNodeSession } from '../nodeSession'

const [link, text = '', maxConns] = process.argv.slice(2)
if (link === undefined) {
  console.error('usage: nodePeer.ts LINK [TEXT]')
  process.exit(2)
}
const session = openNodeSession(parseRoomLink(link), { user: userWithColor('Node peer', '#30a46c'), storage: openMemoryCopy,
  maxConns: maxConns === undefined ? undefined : Number(maxConns),
})
let printed = ''
const print = (): void => {
  const line = JSON.stringify({ text: session.text.toString(), sends: dataChannelSends.messages, peers: session.debug().webrtcConnected })
  if (line !== printed) process.stdout.write(`${line}\n`)
  printed = line
}
// Registered after y-webrtc's own `update` listener, so a report includes its forwards.
session.doc.on('update', print)
const counter = setInterval(print, 200)
session.text.insert(session.text.length, text)
process.stdout.write('ready\n')
process.on('SIGTERM', () => {
  clearInterval(counter)
  session.destroy()
  process.exit(0)
})
