import type * as Y from 'yjs'
import { safeUser } from '../presence/guardPresence'
import type { DeviceRole, VerifiedDevice } from './devicePresence'

/**
 * The document's map of devices writers have seen in the room (by signing key), so that a removal
 * can seal the new link to people who are offline at that moment. Only writers write it (their
 * updates are signed); readers read it. It is not content (see `hasContent`).
 */
export const DEVICES_MAP = 'devices'

/** Most devices a document lists; past it, new devices are not recorded (a removal then names them "by hand"). */
export const MAX_DEVICES = 1000

/** A device's entry is refreshed at most this often, so presence does not grow the document. */
export const SEEN_REFRESH_MS = 6 * 60 * 60 * 1000

export interface DeviceEntry extends VerifiedDevice {
  readonly name: string
  /** When a writer last saw it (ms since the epoch). */
  readonly seen: number
  readonly alwaysOn: boolean
}

const ROLES: readonly string[] = ['edit', 'comment', 'read'] satisfies DeviceRole[]

function parseEntry(sign: string, value: unknown): DeviceEntry | null {
  if (typeof value !== 'object' || value === null || sign.length !== 43) return null
  const { seal, role, name, seen, alwaysOn } = value as Record<string, unknown>
  if (typeof seal !== 'string' || seal.length !== 87 || typeof role !== 'string' || !ROLES.includes(role)) return null
  if (typeof seen !== 'number' || !Number.isFinite(seen)) return null
  return { sign, seal, role: role as DeviceRole, name: safeUser({ name }).name, seen, alwaysOn: alwaysOn === true }
}

/** Every well-formed entry of the document's device map; anything else is skipped. */
export function readDevices(doc: Y.Doc): DeviceEntry[] {
  const entries: DeviceEntry[] = []
  for (const [sign, value] of doc.getMap(DEVICES_MAP).entries()) {
    const entry = parseEntry(sign, value)
    if (entry !== null) entries.push(entry)
  }
  return entries
}

/** The well-formed entry of device `sign`, or null. */
export function readDevice(doc: Y.Doc, sign: string): DeviceEntry | null {
  return parseEntry(sign, doc.getMap(DEVICES_MAP).get(sign))
}

/**
 * Records `entry` (a writer's call) when it is new, changed, or last seen over
 * {@link SEEN_REFRESH_MS} ago; returns whether it wrote.
 */
export function recordDevice(doc: Y.Doc, entry: DeviceEntry): boolean {
  const map = doc.getMap(DEVICES_MAP)
  const known = parseEntry(entry.sign, map.get(entry.sign))
  if (known === null && map.size >= MAX_DEVICES) return false
  const same = known !== null && known.seal === entry.seal && known.role === entry.role && known.name === entry.name && known.alwaysOn === entry.alwaysOn
  if (same && entry.seen - known.seen < SEEN_REFRESH_MS) return false
  map.set(entry.sign, { seal: entry.seal, role: entry.role, name: entry.name, seen: entry.seen, alwaysOn: entry.alwaysOn })
  return true
}

/** Drops the entries of `signs` (the removed devices, from a moved document). */
export function forgetDevices(doc: Y.Doc, signs: readonly string[]): void {
  const map = doc.getMap(DEVICES_MAP)
  for (const sign of signs) if (map.has(sign)) map.delete(sign)
}
