import type { Version } from '../../document/history/versionEntry'

// One formatter for every entry: `toLocaleString` builds one per call, which is what most
// of re-rendering the list of versions cost.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

/** When a version was made, as people read dates here. */
export function versionTime(time: number): string {
  return dateTime.format(time)
}

/** A version's name in the list: its label, or what made it. */
export function versionTitle(version: Version, versions: readonly Version[]): string {
  if (version.label !== '') return version.label
  if (version.kind === 'manual') return 'Saved version'
  if (version.kind === 'restore') {
    const from = versions.find((each) => each.id === version.restoredFrom)
    return from === undefined ? 'Restored an earlier version' : `Restored the version of ${versionTime(from.time)}`
  }
  return 'Automatic version'
}
