import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AlwaysOnPeerProcess, runPeerToExit } from './support/alwaysOnPeerProcess.js'
import { expect, test } from './support/test.js'

let dir: string
test.beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshpad-peer-start-'))
})
test.afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

test('a rooms file readable by others is refused, like ssh refuses such a key', async () => {
  const rooms = join(dir, 'rooms.txt')
  await writeFile(rooms, '# my rooms\nhttp://127.0.0.1:9/#a-secret-nobody-may-see\n')
  await chmod(rooms, 0o644)
  const { code, output } = await runPeerToExit(['--data', join(dir, 'data'), '--rooms', rooms])
  expect(code).toBe(3)
  expect(output).toContain(`the rooms file ${rooms} is accessible by others (mode 0644)`)
  expect(output).toContain(`chmod 600 ${rooms}`)
  expect(output).not.toContain('a-secret-nobody-may-see')
})

test('a malformed link is refused with a message naming it, never showing its secret', async () => {
  const bad = await runPeerToExit(['--data', join(dir, 'data'), 'http://127.0.0.1:9/#fine-secret', 'ftp://pad.example/#top-secret-value'])
  expect(bad.code).toBe(2)
  expect(bad.output).toContain('bad room link (argument 2, ftp://pad.example/#…)')
  expect(bad.output).not.toContain('top-secret-value')
  expect(bad.output).not.toContain('fine-secret')

  const noSecret = await runPeerToExit(['--data', join(dir, 'data'), 'https://pad.example/'])
  expect(noSecret.code).toBe(2)
  expect(noSecret.output).toContain('https://pad.example/ has no #SECRET')
})

test('a room added to the rooms file joins on SIGHUP, and one removed leaves', async ({ server }) => {
  const rooms = join(dir, 'rooms.txt')
  await writeFile(rooms, `${server.url}#room-one\n`, { mode: 0o600 })
  const peer = await AlwaysOnPeerProcess.start(['--rooms', rooms])
  try {
    await expect.poll(async () => (await peer.health()).signaling.connected).toBe(1)
    await writeFile(rooms, `${server.url}#room-two\n\n# and a third\n${server.url}#room-three\n`)
    peer.hangUp()
    await expect.poll(async () => (await peer.health()).signaling.connected).toBe(2)
    expect((await peer.health()).rooms).toBe(2)
  } finally {
    await peer.destroy()
  }
})
