import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { safeUser } from '../presence/guardPresence'
import type { DeviceIdentity } from '../presence/storedDeviceKey'
import { DEVICE_FIELD, signDeviceHere, signDevicePresence, verifyDeviceHere, verifyDevicePresence, type DeviceHere, type DevicePresence, type DeviceRole, type RoleKeys, type VerifiedDevice } from './devicePresence'
import { DEVICES_MAP, readDevices, recordDevice } from './deviceRegistry'

/** Longest wait before a writer records a device it sees (see `DeviceRoster.record`). */
export const RECORD_SPREAD_MS = 2000

export interface DeviceRosterOptions {
  readonly topic: string
  readonly awareness: Awareness
  /** The document the device map is read from. */
  readonly doc: Y.Doc
  /** Whether this page writes the device map (a writer's): the map is then written into `doc`. */
  readonly canWrite: boolean
  readonly identity: Promise<DeviceIdentity>
  readonly role: DeviceRole
  /** The key that proves `role` (the edit key, the comment key); null for a reader. */
  readonly roleKey: Promise<CryptoKey> | null
  /** The keys other devices' role proofs are checked with; null while unknown. */
  readonly roleKeys: () => Promise<RoleKeys | null>
  /** Whether a presence client id is an always-on peer this page believes. */
  readonly isAlwaysOn: (clientId: number) => boolean
  readonly now?: () => number
}

/** Someone a removal may keep or remove. */
export interface RosterPerson extends VerifiedDevice {
  readonly name: string
  /** When a writer last saw the device (ms since the epoch); now for people here now. */
  readonly seen: number
  readonly online: boolean
  readonly alwaysOn: boolean
  /** This page's own device. */
  readonly self: boolean
}

/**
 * The devices of a v2 room: it publishes this device's keys in presence (signed, with the proof of
 * the link it holds), checks everyone else's, and, on a writer's page, records those that verify
 * in the document's device map, so a later removal can seal a new link to people who are offline
 * then. A device field that fails its checks is ignored and counted.
 *
 * Once the map holds this device, its presence carries only the short form (`DeviceHere`: its
 * signing key and a signature), since every presence update carries the whole state and cursors
 * move often; others read its other keys from the map.
 *
 * It is responsible for its awareness listener and removes it in `destroy()`.
 */
export class DeviceRoster {
  private readonly live = new Map<number, { device: VerifiedDevice; json: string }>()
  private readonly checking = new Map<number, string>()
  private readonly listeners = new Set<() => void>()
  private readonly recording = new Map<number, ReturnType<typeof setTimeout>>()
  private ownDevice: VerifiedDevice | null = null
  private ownField: DevicePresence | null = null
  private ownHere: DeviceHere | null = null
  private destroyed = false
  /** Device fields that failed their checks. */
  rejected = 0

  constructor(private readonly options: DeviceRosterOptions) {
    options.awareness.on('change', this.handleChange)
    this.handleChange({ added: [...options.awareness.getStates().keys()], updated: [], removed: [] })
    options.doc.getMap(DEVICES_MAP).observe(this.handleMap)
    void this.publish()
  }

  /** This device's signed presence field, whole or short (the session puts it back after a page restore). */
  get presenceField(): DevicePresence | DeviceHere | null {
    return this.recorded() ? this.ownHere : this.ownField
  }

  /** Whether the device map holds this device as its presence field says. */
  private recorded(): boolean {
    const own = this.ownDevice
    return own !== null && readDevices(this.options.doc).some((entry) => entry.sign === own.sign && entry.seal === own.seal && entry.role === own.role)
  }

  private readonly handleMap = (): void => {
    const { awareness } = this.options
    const here = this.ownHere
    if (this.destroyed) return
    if (here !== null && this.recorded() && awareness.getLocalState()?.[DEVICE_FIELD] !== here) awareness.setLocalStateField(DEVICE_FIELD, here)
    // A short form read before the map held its device can be checked now.
    const unknown = [...awareness.getStates().keys()].filter((clientId) => clientId !== awareness.clientID && !this.live.has(clientId))
    if (unknown.length > 0) this.handleChange({ added: [], updated: unknown, removed: [] })
  }

  /** This device's keys, once known. */
  get self(): VerifiedDevice | null {
    return this.ownDevice
  }

  /** Everyone seen in the room, here now or recorded in the device map, by device, the latest first. */
  people(): RosterPerson[] {
    const { awareness } = this.options
    const now = (this.options.now ?? Date.now)()
    const people = new Map<string, RosterPerson>()
    for (const entry of readDevices(this.options.doc)) people.set(entry.sign, { ...entry, online: false, self: false })
    for (const [clientId, { device }] of this.live) {
      const name = safeUser(awareness.getStates().get(clientId)?.user).name
      people.set(device.sign, { ...device, name, seen: now, online: true, alwaysOn: this.options.isAlwaysOn(clientId), self: false })
    }
    const own = this.ownDevice
    if (own !== null) {
      const name = safeUser(awareness.getLocalState()?.user).name
      people.set(own.sign, { ...own, name, seen: now, online: true, alwaysOn: false, self: true })
    }
    return [...people.values()].sort((a, b) => Number(b.self) - Number(a.self) || b.seen - a.seen || a.name.localeCompare(b.name))
  }

  /** Calls `listener` when {@link people} may have changed; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Records the devices here now again (an always-on claim verified since). */
  refresh(): void {
    for (const clientId of this.live.keys()) this.record(clientId)
    this.emit()
  }

  private async publish(): Promise<void> {
    const { options } = this
    try {
      const identity = await options.identity
      const roleKey = options.roleKey === null ? null : await options.roleKey
      const field = await signDevicePresence(identity, options.topic, options.awareness.clientID, options.role, roleKey)
      const here = await signDeviceHere(identity, options.topic, options.awareness.clientID)
      if (this.destroyed) return
      this.ownField = field
      this.ownHere = here
      this.ownDevice = { sign: field.sign, seal: field.seal, role: field.role }
      if (!this.recorded()) options.awareness.setLocalStateField(DEVICE_FIELD, field)
      if (options.canWrite) {
        const name = safeUser(options.awareness.getLocalState()?.user).name
        recordDevice(options.doc, { ...this.ownDevice, name, seen: (options.now ?? Date.now)(), alwaysOn: false })
      }
      this.handleMap()
      this.emit()
    } catch {
      // No device identity (no WebCrypto Ed25519 or ECDH): this page cannot be moved with a room; the rest works.
    }
  }

  /**
   * Records a device here now in the map, after a random delay of up to {@link RECORD_SPREAD_MS}:
   * every writer in the room sees a newcomer at once, and the first entry to arrive makes the
   * others' writes unneeded (`recordDevice` writes only what is new or stale).
   */
  private record(clientId: number): void {
    if (!this.options.canWrite || this.destroyed || this.recording.has(clientId)) return
    const timer = setTimeout(() => {
      this.recording.delete(clientId)
      const { options } = this
      const known = this.live.get(clientId)
      if (known === undefined || this.destroyed) return
      const name = safeUser(options.awareness.getStates().get(clientId)?.user).name
      recordDevice(options.doc, { ...known.device, name, seen: (options.now ?? Date.now)(), alwaysOn: options.isAlwaysOn(clientId) })
    }, Math.random() * RECORD_SPREAD_MS)
    this.recording.set(clientId, timer)
  }

  private emit(): void {
    for (const listener of this.listeners) listener()
  }

  private readonly handleChange = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    if (this.destroyed) return
    const { awareness } = this.options
    let changed = false
    for (const clientId of removed) changed = this.live.delete(clientId) || changed
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue
      const field = awareness.getStates().get(clientId)?.[DEVICE_FIELD]
      if (field === undefined) {
        changed = this.live.delete(clientId) || changed
        continue
      }
      const json = JSON.stringify(field)
      if (this.live.get(clientId)?.json === json || this.checking.get(clientId) === json) continue
      this.checking.set(clientId, json)
      void this.check(clientId, field, json)
    }
    if (changed) this.emit()
  }

  /** The device of a whole field, or of a short one whose signing key the map holds. */
  private async verify(clientId: number, field: unknown): Promise<VerifiedDevice | null> {
    const { topic } = this.options
    const short = await verifyDeviceHere(field, topic, clientId)
    if (short !== null) {
      const entry = readDevices(this.options.doc).find((each) => each.sign === short)
      return entry === undefined ? null : { sign: entry.sign, seal: entry.seal, role: entry.role }
    }
    const keys = await this.options.roleKeys().catch(() => null)
    return keys === null ? null : verifyDevicePresence(field, topic, clientId, keys)
  }

  private async check(clientId: number, field: unknown, json: string): Promise<void> {
    const device = await this.verify(clientId, field)
    if (this.destroyed || this.checking.get(clientId) !== json) return
    this.checking.delete(clientId)
    if (device === null) {
      this.rejected++
      if (this.live.delete(clientId)) this.emit()
      return
    }
    this.live.set(clientId, { device, json })
    this.record(clientId)
    this.emit()
  }

  /** Idempotent. */
  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    this.options.awareness.off('change', this.handleChange)
    this.options.doc.getMap(DEVICES_MAP).unobserve(this.handleMap)
    for (const timer of this.recording.values()) clearTimeout(timer)
    this.recording.clear()
    this.listeners.clear()
    this.live.clear()
  }
}
