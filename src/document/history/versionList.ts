import * as Y from 'yjs'
import { uuidv4 } from 'lib0/random'
import { deleteSetDifference } from './deleteSetDifference'
import { MAX_AUTHOR_NAME_LENGTH, MAX_VERSION_AUTHORS, MAX_VERSION_LABEL_LENGTH, parseVersionEntry, type Version, type VersionEntry, type VersionKind } from './versionEntry'

/** The origin of the transactions that record a version. */
export const VERSION_ORIGIN = Symbol('meshpad version')

/**
 * The origin of a restore's transaction (see `restoreVersion`). The editor's undo manager tracks
 * it, so the person who restored can undo the restore with Ctrl-Z.
 */
export const RESTORE_ORIGIN = Symbol('meshpad restore')

/** The shared list of versions, oldest first: any peer appends, nobody edits or removes. */
export function versionsArray(doc: Y.Doc): Y.Array<unknown> {
  return doc.getArray('versions')
}

// Stored entries are immutable objects that Yjs hands back as the same objects, so each is
// checked and decoded once.
const parsed = new WeakMap<object, Version | null>()

function parseCached(raw: unknown): Version | null {
  if (typeof raw !== 'object' || raw === null) return null
  let version = parsed.get(raw)
  if (version === undefined) {
    version = parseVersionEntry(raw)
    parsed.set(raw, version)
  }
  return version
}

/**
 * The versions of `doc`, oldest first, as every peer with the same entries lists them: malformed
 * entries, repeated ids and entries whose base is not an earlier version are left out.
 */
export function listVersions(doc: Y.Doc): Version[] {
  const versions: Version[] = []
  const seen = new Set<string>()
  for (const raw of versionsArray(doc).toArray()) {
    const version = parseCached(raw)
    if (version === null || seen.has(version.id)) continue
    if (version.base !== null && !seen.has(version.base)) continue
    seen.add(version.id)
    versions.push(version)
  }
  return versions
}

/**
 * The full snapshot of `version` (one of `versions`, as `listVersions` returned them): its state
 * vector and the union of the deletions along its chain of bases.
 */
export function versionSnapshot(versions: readonly Version[], version: Version): Y.Snapshot {
  const byId = new Map(versions.map((each) => [each.id, each]))
  const deletes = []
  for (let at: Version | undefined = version; at !== undefined; at = at.base === null ? undefined : byId.get(at.base)) {
    deletes.push(at.delta.ds)
  }
  return Y.createSnapshot(Y.mergeDeleteSets(deletes), version.delta.sv)
}

/** What a new version says about itself. */
export interface NewVersion {
  readonly by: string
  readonly authors: readonly string[]
  /** Client ids with the names of their people, as far as known (see `authorsSinceLastVersion`). */
  readonly clients?: readonly (readonly [number, string])[]
  readonly label?: string
  readonly kind: VersionKind
  readonly restoredFrom?: string
  /** Default: `Date.now()`. */
  readonly time?: number
}

/** The clients whose edits `doc` holds beyond the latest version (all of them when there is none). */
export function clientsSinceLastVersion(doc: Y.Doc): number[] {
  const last = listVersions(doc).at(-1)
  const clients: number[] = []
  for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(doc))) {
    if (clock > (last?.delta.sv.get(client) ?? 0)) clients.push(client)
  }
  return clients
}

/**
 * Records the current state of `doc` as a new version at the end of the list and returns its id.
 * Its snapshot holds the deletions since the latest version only (a full delete set in every
 * version would grow the history by the size of all deletions each time). Inside a transaction,
 * the version is the state so far.
 */
export function recordVersion(doc: Y.Doc, version: NewVersion): string {
  const versions = listVersions(doc)
  const last = versions.at(-1)
  const now = Y.snapshot(doc)
  const baseDeletes = last === undefined ? null : versionSnapshot(versions, last).ds
  // A base holding deletions not seen here (still on their way, or claimed by a hostile
  // peer) would put them into this version: then it stands alone, with every deletion.
  const onBase = baseDeletes !== null && deleteSetDifference(baseDeletes, now.ds).clients.size === 0
  const delta = onBase ? Y.createSnapshot(deleteSetDifference(now.ds, baseDeletes), now.sv) : now
  const clip = (name: string): string => name.slice(0, MAX_AUTHOR_NAME_LENGTH)
  const entry: VersionEntry = {
    id: uuidv4(),
    time: version.time ?? Date.now(),
    by: clip(version.by),
    authors: [...new Set(version.authors.map(clip))].slice(0, MAX_VERSION_AUTHORS),
    clients: (version.clients ?? []).slice(0, MAX_VERSION_AUTHORS).map(([client, name]) => [client, clip(name)] as const),
    label: (version.label ?? '').trim().slice(0, MAX_VERSION_LABEL_LENGTH),
    kind: version.kind,
    base: onBase ? (last?.id ?? null) : null,
    restoredFrom: version.restoredFrom ?? null,
    snapshot: Y.encodeSnapshotV2(delta),
  }
  doc.transact(() => versionsArray(doc).push([entry]), VERSION_ORIGIN)
  return entry.id
}

/** The names of the people behind Yjs client ids, as the versions recorded them (latest wins). */
export function clientNames(versions: readonly Version[]): Map<number, string> {
  const names = new Map<number, string>()
  for (const version of versions) for (const [client, name] of version.clients) names.set(client, name)
  return names
}
