/**
 * A peer in a Node process of its own, for tests: `tsx nodePeer.ts LINK TEXT` opens the room of
 * LINK with the session core (@roamhq/wrtc, memory storage), appends TEXT, prints `ready`, then a
 * JSON line `{"text": …}` after every change of the text. SIGTERM destroys the session and exits.
 */
import { userWithColor } from '../../presence/userIdentity'
import { parseRoomLink } from '../../room/parseRoomLink'
import { openMemoryCopy } from '../../storage/MemoryCopy'
import { openNodeSession } from '../nodeSession'

const [link, text = ''] = process.argv.slice(2)
if (link === undefined) {
  console.error('usage: nodePeer.ts LINK [TEXT]')
  process.exit(2)
}
const session = openNodeSession(parseRoomLink(link), { user: userWithColor('Node peer', '#30a46c'), storage: openMemoryCopy })
session.text.observe(() => process.stdout.write(`${JSON.stringify({ text: session.text.toString() })}\n`))
session.text.insert(session.text.length, text)
process.stdout.write('ready\n')
process.on('SIGTERM', () => {
  session.destroy()
  process.exit(0)
})
