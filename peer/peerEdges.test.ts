import { chmod, chown, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createEditFragment } from '../src/room/roomAccess'
import { DEVICE_IDENTITY_FILE } from './deviceIdentityFile'
import { MOVED_ROOMS_FILE } from './MovedRooms'
import { parseRoomLinks } from './roomLinks'
import { PeerProcess, waitUntil } from './testing/PeerProcess'

// Links to a port nothing listens on: the peer keeps the rooms and retries signaling; what
// is tested here is which rooms it keeps and what it says.
const LINK = (secret: string) => `http://127.0.0.1:9/#${secret}`
/** Another user than this process's (the tests run as root here; nobody is 65534). */
const OTHER_UID = 65534

let dir: string
let peer: PeerProcess | undefined
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshpad-peer-edges-'))
})
afterEach(async () => {
  await peer?.stop()
  peer = undefined
  await rm(dir, { recursive: true, force: true })
})

describe('the always-on peer at its edges', () => {
  it('keeps its rooms and refuses, counts and rate-limits a rooms file made readable by others or given to another user between start and reload', async () => {
    const rooms = join(dir, 'rooms')
    await writeFile(rooms, `${LINK('first-secret')}\n`, { mode: 0o600 })
    peer = await PeerProcess.start(['--data', join(dir, 'data'), '--rooms', rooms])
    expect(await peer.rooms()).toBe(1)

    await writeFile(rooms, `${LINK('first-secret')}\n${LINK('second-secret')}\n`)
    await chmod(rooms, 0o644)
    peer.child.kill('SIGHUP')
    await waitUntil(async () => (await peer!.metric('meshpad_peer_rooms_file_refused_total{reason="mode"}')) === 1, () => peer!.stdout)
    expect(peer.stdout).toContain('accessible by others (mode 0644)')

    await chmod(rooms, 0o600)
    await chown(rooms, OTHER_UID, OTHER_UID)
    peer.child.kill('SIGHUP')
    await waitUntil(async () => (await peer!.metric('meshpad_peer_rooms_file_refused_total{reason="owner"}')) === 1, () => peer!.stdout)
    expect(peer.stdout).toContain(`owned by uid ${OTHER_UID}`)
    expect(await peer.rooms()).toBe(1)

    // A storm of reloads of the bad file: every one counted, at most 10 lines a minute logged.
    // One at a time: signals of one kind that arrive together are delivered once.
    for (let i = 3; i <= 32; i++) {
      peer.child.kill('SIGHUP')
      await waitUntil(async () => (await peer!.metric('meshpad_peer_errors_total{kind="rooms_file"}')) === i, () => peer!.stdout)
    }
    expect(peer.stdout.split('\n').filter((line) => line.includes('rooms not re-read')).length).toBe(10)
    expect(await peer.metric('meshpad_peer_log_lines_suppressed_total{kind="rooms_file"}')).toBe(22)

    // Back to its owner: the reload goes through.
    await chown(rooms, process.getuid!(), process.getgid!())
    peer.child.kill('SIGHUP')
    await waitUntil(async () => (await peer!.rooms()) === 2, () => peer!.stdout)
    expect(peer.stdout).not.toContain('second-secret')
  }, 60_000)

  it('takes links from standard input, and warns about links given as arguments', async () => {
    peer = await PeerProcess.start(['--data', join(dir, 'data'), '--stdin'], `# piped in\n${LINK('piped-one')}\n${LINK('piped-two')}\n`)
    await waitUntil(async () => (await peer!.rooms()) === 2, () => peer!.stdout)
    expect(peer.stderr).not.toContain('warning')
    await peer.stop()

    peer = await PeerProcess.start(['--data', join(dir, 'data'), LINK('in-argv')])
    expect(await peer.rooms()).toBe(1)
    expect(peer.stderr).toContain('warning: room links given as arguments are visible to every user of this machine')
    expect(peer.stdout + peer.stderr).not.toContain('in-argv')
  }, 60_000)

  it('makes its device identity once (mode 600) and keeps it, keeps the rooms its rooms moved to, and refuses an identity file others may read', async () => {
    const data = join(dir, 'data')
    const old = LINK(createEditFragment())
    peer = await PeerProcess.start(['--data', data, old])
    const identity = join(data, DEVICE_IDENTITY_FILE)
    expect((await stat(identity)).mode & 0o777).toBe(0o600)
    const made = await readFile(identity, 'utf8')
    await peer.stop()

    // A move the peer followed before it stopped: the old room's link alone brings both back.
    await writeFile(join(data, MOVED_ROOMS_FILE), `${parseRoomLinks([{ link: old, where: 'test' }])[0]!.topic} ${LINK(createEditFragment())}\n`, { mode: 0o600 })
    peer = await PeerProcess.start(['--data', data, old])
    expect(await peer.rooms()).toBe(2)
    expect(await readFile(identity, 'utf8')).toBe(made)
    await peer.stop()

    await chmod(identity, 0o644)
    await expect(PeerProcess.start(['--data', data, old])).rejects.toThrow(/exited with 6: .*device identity file .* is accessible by others \(mode 0644\)/s)
  }, 60_000)
})
