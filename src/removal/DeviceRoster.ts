import type * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { safeUser } from '../presence/guardPresence'
import type { DeviceIdentity } from '../presence/storedDeviceIdentity'
import { DEVICE_FIELD, signDeviceHere, signDevicePresence, verifyDeviceHere, verifyDevicePresence, type DeviceHere, type DevicePresence, type DeviceRole, type RoleKeys, type VerifiedDevice } from './devicePresence'
import { DEVICES_MAP, readDevice, readDevices, recordDevice } from './deviceRegistry'

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
  /** Clients whose field is being checked: one check at a time each, always of their latest field. */
  private readonly checking = new Set<number>()
  /** The field of each client that failed its checks, so a repeat costs nothing. */
  private readonly failed = new Map<number, string>()
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
    const entry = own === null ? null : readDevice(this.options.doc, own.sign)
    return entry !== null && entry.seal === own?.seal && entry.role === own.role
  }

  private readonly handleMap = (): void => {
    const { awareness } = this.options
    const here = this.ownHere
    if (this.destroyed) return
    if (here !== null && this.recorded() && awareness.getLocalState()?.[DEVICE_FIELD] !== here) awareness.setLocalStateField(DEVICE_FIELD, here)
    // A short form read before the map held its device can be checked now.
    for (const [clientId, state] of awareness.getStates()) {
      const field = state[DEVICE_FIELD] as { seal?: unknown } | undefined
      if (clientId !== awareness.clientID && !this.live.has(clientId) && field?.seal === undefined) this.check(clientId)
    }
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
    for (const clientId of removed) {
      this.failed.delete(clientId)
      changed = this.live.delete(clientId) || changed
    }
    for (const clientId of [...added, ...updated]) {
      if (clientId === awareness.clientID) continue
      if (this.fieldOf(clientId) === undefined) changed = this.live.delete(clientId) || changed
      else this.check(clientId)
    }
    if (changed) this.emit()
  }

  private fieldOf(clientId: number): unknown {
    return this.options.awareness.getStates().get(clientId)?.[DEVICE_FIELD]
  }

  /**
   * Checks `clientId`'s latest field, unless a check of it is under way (that one checks the
   * latest field again when it ends): a peer that changes its field 10,000 times costs one
   * signature check at a time, and a field that failed costs nothing when repeated.
   */
  private check(clientId: number): void {
    if (this.checking.has(clientId) || this.destroyed) return
    this.checking.add(clientId)
    void this.checkLatest(clientId).finally(() => this.checking.delete(clientId))
  }

  private async checkLatest(clientId: number): Promise<void> {
    for (;;) {
      const field = this.fieldOf(clientId)
      if (field === undefined || this.destroyed) return
      const json = JSON.stringify(field)
      if (this.live.get(clientId)?.json === json || this.failed.get(clientId) === json) return
      const device = await this.verify(clientId, field)
      if (this.destroyed) return
      if (JSON.stringify(this.fieldOf(clientId)) !== json) continue
      if (device === 'unknown') return
      if (device === null) {
        this.rejected++
        this.failed.set(clientId, json)
        if (this.live.delete(clientId)) this.emit()
        return
      }
      this.live.set(clientId, { device, json })
      this.record(clientId)
      this.emit()
      return
    }
  }

  /**
   * The device of a whole field, or of a short one whose signing key the map holds; `unknown` for a
   * short one the map does not hold yet (checked again when the map changes); null when it fails.
   */
  private async verify(clientId: number, field: unknown): Promise<VerifiedDevice | 'unknown' | null> {
    const { topic } = this.options
    const short = await verifyDeviceHere(field, topic, clientId)
    if (short !== null) {
      const entry = readDevice(this.options.doc, short)
      return entry === null ? 'unknown' : { sign: entry.sign, seal: entry.seal, role: entry.role }
    }
    const keys = await this.options.roleKeys().catch(() => null)
    return keys === null ? null : verifyDevicePresence(field, topic, clientId, keys)
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
