import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { safeUser } from '../presence/guardPresence'
import type { DeviceIdentity } from '../presence/storedDeviceKey'
import { DEVICE_FIELD, signDevicePresence, verifyDevicePresence, type DevicePresence, type DeviceRole, type RoleKeys, type VerifiedDevice } from './devicePresence'
import { readDevices, recordDevice } from './deviceRegistry'

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
 * It is responsible for its awareness listener and removes it in `destroy()`.
 */
export class DeviceRoster {
  private readonly live = new Map<number, { device: VerifiedDevice; json: string }>()
  private readonly checking = new Map<number, string>()
  private readonly listeners = new Set<() => void>()
  private readonly recording = new Map<number, ReturnType<typeof setTimeout>>()
  private ownDevice: VerifiedDevice | null = null
  private ownField: DevicePresence | null = null
  private destroyed = false
  /** Device fields that failed their checks. */
  rejected = 0

  constructor(private readonly options: DeviceRosterOptions) {
    options.awareness.on('change', this.handleChange)
    this.handleChange({ added: [...options.awareness.getStates().keys()], updated: [], removed: [] })
    void this.publish()
  }

  /** This device's signed presence field, once made (the session puts it back after a page restore). */
  get presenceField(): DevicePresence | null {
    return this.ownField
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
      if (this.destroyed) return
      this.ownField = field
      this.ownDevice = { sign: field.sign, seal: field.seal, role: field.role }
      options.awareness.setLocalStateField(DEVICE_FIELD, field)
      if (options.canWrite) {
        const name = safeUser(options.awareness.getLocalState()?.user).name
        recordDevice(options.doc, { ...this.ownDevice, name, seen: (options.now ?? Date.now)(), alwaysOn: false })
      }
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

  private async check(clientId: number, field: unknown, json: string): Promise<void> {
    const keys = await this.options.roleKeys().catch(() => null)
    const device = keys === null ? null : await verifyDevicePresence(field, this.options.topic, clientId, keys)
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
    for (const timer of this.recording.values()) clearTimeout(timer)
    this.recording.clear()
    this.listeners.clear()
    this.live.clear()
  }
}
