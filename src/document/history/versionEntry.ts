import * as Y from 'yjs'

/** Longest label kept with a version; an entry with a longer one is not a version. */
export const MAX_VERSION_LABEL_LENGTH = 200
/** Most author names one version lists. */
export const MAX_VERSION_AUTHORS = 50
/** Longest author name (the longest name a person can choose, with room to spare). */
export const MAX_AUTHOR_NAME_LENGTH = 100
/** Largest encoded snapshot accepted from a peer. */
export const MAX_SNAPSHOT_BYTES = 1024 * 1024
/** Longest version id. */
const MAX_ID_LENGTH = 64

/** How a version came to be: an editing pause, "Save version", or a restore. */
export type VersionKind = 'auto' | 'manual' | 'restore'

/**
 * A version as it is stored in the shared `versions` array: a plain object, immutable once pushed.
 * `snapshot` is `Y.encodeSnapshotV2` of the state vector at that time and of the deletions since
 * the version `base` (all deletions when `base` is null): the full delete set of a version is the
 * union along its chain of bases.
 */
export interface VersionEntry {
  readonly id: string
  /** Milliseconds since the epoch, by the recording peer's clock. */
  readonly time: number
  /** The name of the person whose Meshpad recorded it. */
  readonly by: string
  /** Names of the people whose edits it holds since the version before, as they were known then. */
  readonly authors: readonly string[]
  /** The Yjs client ids of those authors with their names, so the text can say who wrote what. */
  readonly clients: readonly (readonly [number, string])[]
  readonly label: string
  readonly kind: VersionKind
  readonly base: string | null
  /** For a restore: the id of the version restored. */
  readonly restoredFrom: string | null
  readonly snapshot: Uint8Array
}

/** A stored entry that passed every check, with its snapshot decoded. */
export interface Version extends Omit<VersionEntry, 'snapshot'> {
  /** The state vector of the version, and the deletions since its base only. */
  readonly delta: Y.Snapshot
}

const KINDS: readonly string[] = ['auto', 'manual', 'restore']

const isString = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max

const isClock = (value: number): boolean => Number.isSafeInteger(value) && value >= 0

/** Decodes a snapshot from a peer, or null: every number must be a plain non-negative integer. */
function decodeSnapshot(bytes: Uint8Array): Y.Snapshot | null {
  let snapshot: Y.Snapshot
  try {
    snapshot = Y.decodeSnapshotV2(bytes)
  } catch {
    return null
  }
  for (const [client, clock] of snapshot.sv) if (!isClock(client) || !isClock(clock)) return null
  for (const [client, deletes] of snapshot.ds.clients) {
    if (!isClock(client)) return null
    for (const { clock, len } of deletes) if (!isClock(clock) || !isClock(len) || len === 0) return null
  }
  return snapshot
}

/**
 * Checks a value read from the shared `versions` array, which any peer can write: the version it
 * describes, or null for anything malformed (wrong types, oversized fields, undecodable snapshot).
 * It does not check references to other versions: `listVersions` does.
 */
export function parseVersionEntry(raw: unknown): Version | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null
  const entry = raw as Record<string, unknown>
  const { id, time, by, authors, clients, label, kind, base, restoredFrom, snapshot } = entry
  if (!isString(id, MAX_ID_LENGTH) || id === '') return null
  if (typeof time !== 'number' || !Number.isFinite(time)) return null
  if (!isString(by, MAX_AUTHOR_NAME_LENGTH)) return null
  if (!Array.isArray(authors) || authors.length > MAX_VERSION_AUTHORS) return null
  if (!authors.every((name) => isString(name, MAX_AUTHOR_NAME_LENGTH))) return null
  if (!Array.isArray(clients) || clients.length > MAX_VERSION_AUTHORS) return null
  const isPair = (pair: unknown): boolean =>
    Array.isArray(pair) && pair.length === 2 && typeof pair[0] === 'number' && isClock(pair[0]) && isString(pair[1], MAX_AUTHOR_NAME_LENGTH)
  if (!clients.every(isPair)) return null
  if (!isString(label, MAX_VERSION_LABEL_LENGTH)) return null
  if (typeof kind !== 'string' || !KINDS.includes(kind)) return null
  if (base !== null && !isString(base, MAX_ID_LENGTH)) return null
  if (restoredFrom !== null && !isString(restoredFrom, MAX_ID_LENGTH)) return null
  if (!(snapshot instanceof Uint8Array) || snapshot.length > MAX_SNAPSHOT_BYTES) return null
  const delta = decodeSnapshot(snapshot)
  if (delta === null) return null
  const pairs = (clients as [number, string][]).map(([client, name]): readonly [number, string] => [client, name])
  return { id, time, by, authors: [...(authors as string[])], clients: pairs, label, kind: kind as VersionKind, base, restoredFrom, delta }
}
