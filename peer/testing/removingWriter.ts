/**
 * A writer in a Node process of its own, for peer tests: `tsx removingWriter.ts LINK TEXT` opens
 * the room of LINK (an edit link) with a device of its own, appends TEXT, waits until it sees the
 * always-on peer's device, then removes everyone else but it and prints a JSON line
 * `{"kept": SIGN, "removed": [NAMES]}`. SIGTERM destroys the session and exits.
 */
import { memoryDeviceIdentity } from '../../src/presence/storedDeviceIdentity'
import { userWithColor } from '../../src/presence/userIdentity'
import { parseRoomLink } from '../../src/room/parseRoomLink'
import { openMemoryCopy } from '../../src/storage/MemoryCopy'
import { openNodeSession } from '../../src/session/nodeSession'
import { ALWAYS_ON_NAME } from '../../src/presence/storedState'

const [link, text = ''] = process.argv.slice(2)
if (link === undefined) {
  console.error('usage: removingWriter.ts LINK [TEXT]')
  process.exit(2)
}
const session = openNodeSession(parseRoomLink(link), { user: userWithColor('Ana', '#30a46c'), storage: openMemoryCopy, device: memoryDeviceIdentity() })
const removal = session.removal
if (removal === null) {
  console.error('not a v2 edit link')
  process.exit(2)
}
session.text.insert(session.text.length, text)
let removing = false
const check = (): void => {
  const peer = removal.people().find((person) => !person.self && person.name === ALWAYS_ON_NAME && person.online)
  if (removing || peer === undefined) return
  removing = true
  removal.remove([peer.sign]).then(
    ({ removed }) => process.stdout.write(`${JSON.stringify({ kept: peer.sign, removed })}\n`),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
removal.onChange(check)
check()
process.on('SIGTERM', () => {
  session.destroy()
  process.exit(0)
})
