import { link, open, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { deviceKeyOf } from '../src/presence/deviceKey'
import { sealingKeyOf } from '../src/presence/sealingKey'
import type { DeviceIdentity } from '../src/presence/storedDeviceIdentity'
import { EXIT, PeerStartError } from './peerOptions'

/** The file in the data directory that holds the peer's device keys. */
export const DEVICE_IDENTITY_FILE = 'device-identity.json'

/** A refused device identity file: a {@link PeerStartError} (exit 6 at start). */
export class DeviceIdentityFileError extends PeerStartError {
  constructor(message: string) {
    super(message, EXIT.deviceIdentity)
  }
}

/** What the file holds: both private keys as JWK (each carries its public half). */
interface StoredIdentity {
  readonly v: 1
  readonly signing: JsonWebKey
  readonly sealing: JsonWebKey
}

const MAX_BYTES = 16 * 1024
const ED25519 = { name: 'Ed25519' } as const
const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const
const B64URL = /^[A-Za-z0-9_-]{20,100}$/

/**
 * The always-on peer's device identity (see `DeviceIdentity`): read from `DIR/device-identity.json`,
 * or created there on first start (mode 600, written to a temporary file and linked into place, so
 * a crash never leaves half a file and two starts never overwrite each other). Refuses, as ssh
 * does with a key and as the rooms file is refused, a file that group or others may access, that
 * another user owns, or that is not an identity this function wrote: a peer that silently made a
 * new identity would no longer be sealed the links of the rooms it keeps when they move.
 *
 * NOTE: unlike a browser's keys (non-extractable CryptoKeys kept by IndexedDB), a Node process has
 * no key store that keeps a CryptoKey across restarts: the keys are generated extractable, exported
 * as JWK to be persisted, and imported back non-extractable. The file is what protects them.
 */
export async function readOrCreateDeviceIdentity(dir: string, uid: number | undefined = process.getuid?.()): Promise<DeviceIdentity> {
  const path = join(dir, DEVICE_IDENTITY_FILE)
  let stored = await readStored(path, uid)
  if (stored === null) {
    await create(path).catch((error: unknown) => {
      throw new DeviceIdentityFileError(`cannot create the device identity file ${path}: ${error instanceof Error ? error.message : String(error)}`)
    })
    stored = await readStored(path, uid)
    if (stored === null) throw new DeviceIdentityFileError(`cannot create the device identity file ${path}`)
  }
  const identity = await importIdentity(stored)
  if (identity === null) throw malformed(path, 'its keys do not import or do not match')
  return identity
}

function malformed(path: string, why: string): DeviceIdentityFileError {
  return new DeviceIdentityFileError(
    `the device identity file ${path} is not a Meshpad peer identity (${why}). Move it away and the peer makes a new one; ` +
      "rooms will seal their new links to the new identity only once writers have seen it",
  )
}

/** The stored identity, or null when the file does not exist; throws on anything refused. */
async function readStored(path: string, uid: number | undefined): Promise<StoredIdentity | null> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new DeviceIdentityFileError(`cannot read the device identity file ${path}: ${error instanceof Error ? error.message : String(error)}`)
  }
  try {
    // NOTE: checked on the open descriptor, then read from it (see `readRoomsFile`).
    const stats = await handle.stat()
    if (!stats.isFile() || stats.size > MAX_BYTES) throw malformed(path, 'not a regular file up to 16 KiB')
    if ((stats.mode & 0o077) !== 0) {
      const octal = (stats.mode & 0o777).toString(8).padStart(4, '0')
      throw new DeviceIdentityFileError(`the device identity file ${path} is accessible by others (mode ${octal}); it holds this peer's private keys. Run: chmod 600 ${path}`)
    }
    if (uid !== undefined && stats.uid !== uid) {
      throw new DeviceIdentityFileError(`the device identity file ${path} is owned by uid ${stats.uid}, not by this process (uid ${uid}). Run: chown ${uid} ${path}`)
    }
    const text = await handle.readFile('utf8')
    const parsed = parseStored(text)
    if (parsed === null) throw malformed(path, 'not the JSON it expects')
    return parsed
  } catch (error) {
    if (error instanceof DeviceIdentityFileError) throw error
    throw new DeviceIdentityFileError(`cannot read the device identity file ${path}: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    await handle.close()
  }
}

function parseStored(text: string): StoredIdentity | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null) return null
  const { v, signing, sealing } = value as Record<string, unknown>
  if (v !== 1 || !isJwk(signing, 'OKP', 'Ed25519', ['x', 'd']) || !isJwk(sealing, 'EC', 'P-256', ['x', 'y', 'd'])) return null
  return { v, signing, sealing }
}

function isJwk(value: unknown, kty: string, crv: string, fields: readonly string[]): value is JsonWebKey {
  if (typeof value !== 'object' || value === null) return false
  const jwk = value as Record<string, unknown>
  return jwk.kty === kty && jwk.crv === crv && fields.every((field) => typeof jwk[field] === 'string' && B64URL.test(jwk[field] as string))
}

/** Imports both pairs non-extractable; null when a key does not import or its halves do not match. */
async function importIdentity(stored: StoredIdentity): Promise<DeviceIdentity | null> {
  try {
    const publicOf = ({ kty, crv, x, y }: JsonWebKey): JsonWebKey => (y === undefined ? { kty, crv, x } : { kty, crv, x, y })
    const signing: CryptoKeyPair = {
      privateKey: await crypto.subtle.importKey('jwk', stored.signing, ED25519, false, ['sign']),
      publicKey: await crypto.subtle.importKey('jwk', publicOf(stored.signing), ED25519, true, ['verify']),
    }
    const sealing: CryptoKeyPair = {
      privateKey: await crypto.subtle.importKey('jwk', stored.sealing, ECDH, false, ['deriveBits']),
      publicKey: await crypto.subtle.importKey('jwk', publicOf(stored.sealing), ECDH, true, []),
    }
    // The halves belong together: a signature verifies, and the key agrees with itself.
    const probe = new TextEncoder().encode('meshpad/peer/identity-check')
    const signature = await crypto.subtle.sign(ED25519, signing.privateKey, probe)
    if (!(await crypto.subtle.verify(ED25519, signing.publicKey, signature, probe))) return null
    await crypto.subtle.deriveBits({ name: 'ECDH', public: sealing.publicKey }, sealing.privateKey, 256)
    return { signing: await deviceKeyOf(signing), sealing: await sealingKeyOf(sealing) }
  } catch {
    return null
  }
}

/** Writes a new identity at `path` unless one is already there. */
async function create(path: string): Promise<void> {
  const signing = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair
  const sealing = (await crypto.subtle.generateKey(ECDH, true, ['deriveBits'])) as CryptoKeyPair
  const stored: StoredIdentity = {
    v: 1,
    signing: await crypto.subtle.exportKey('jwk', signing.privateKey),
    sealing: await crypto.subtle.exportKey('jwk', sealing.privateKey),
  }
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`
  const handle = await open(temporary, 'wx', 0o600)
  try {
    await handle.writeFile(`${JSON.stringify(stored)}\n`)
    await handle.sync()
  } finally {
    await handle.close()
  }
  try {
    await link(temporary, path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    await unlink(temporary)
  }
}
