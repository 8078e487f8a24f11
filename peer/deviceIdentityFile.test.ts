import { chmod, chown, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sealTo } from '../src/presence/sealingKey'
import { verifyDeviceSignature } from '../src/presence/deviceKey'
import { DEVICE_IDENTITY_FILE, readOrCreateDeviceIdentity } from './deviceIdentityFile'
import { EXIT } from './peerOptions'

/** Another user than this process's (the tests run as root here; nobody is 65534). */
const OTHER_UID = 65534

let dir: string
let path: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshpad-identity-'))
  path = join(dir, DEVICE_IDENTITY_FILE)
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const refused = (message: string | RegExp) => expect.objectContaining({ exitCode: EXIT.deviceIdentity, message: expect.stringMatching(message) })

describe('the peer device identity file', () => {
  it('is created on first start with mode 600, and the same identity is read back on the next', async () => {
    const first = await readOrCreateDeviceIdentity(dir)
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    const again = await readOrCreateDeviceIdentity(dir)
    expect(again.signing.publicKey).toEqual(first.signing.publicKey)
    expect(again.sealing.publicKey).toEqual(first.sealing.publicKey)
    // Both keys work after the round trip through the file: it signs, and opens what was sealed to it.
    const bytes = new TextEncoder().encode('hello')
    expect(await verifyDeviceSignature(first.signing.publicKey, bytes, await again.signing.sign(bytes))).toBe(true)
    const box = await sealTo(first.sealing.publicKey, bytes, 'context')
    expect(await again.sealing.open(box, 'context')).toEqual(bytes)
  })

  it('refuses a file others may access or another user owns, and one that is not an identity', async () => {
    await readOrCreateDeviceIdentity(dir)
    const good = await readFile(path, 'utf8')
    await chmod(path, 0o644)
    await expect(readOrCreateDeviceIdentity(dir)).rejects.toEqual(refused(/accessible by others \(mode 0644\).*chmod 600/))
    await chmod(path, 0o600)
    await chown(path, OTHER_UID, OTHER_UID)
    await expect(readOrCreateDeviceIdentity(dir)).rejects.toEqual(refused(`owned by uid ${OTHER_UID}`))
    await chown(path, process.getuid!(), process.getgid!())

    const other = JSON.parse(good) as { signing: JsonWebKey; sealing: JsonWebKey }
    await rm(path)
    await readOrCreateDeviceIdentity(dir)
    const mine = JSON.parse(await readFile(path, 'utf8')) as { signing: JsonWebKey; sealing: JsonWebKey }
    for (const text of ['', 'not json', '{"v":1}', JSON.stringify({ ...mine, v: 2 }), JSON.stringify({ ...mine, signing: { ...mine.signing, x: other.signing.x } })]) {
      await writeFile(path, text, { mode: 0o600 })
      await expect(readOrCreateDeviceIdentity(dir)).rejects.toEqual(refused('is not a Meshpad peer identity'))
    }
  })
})
