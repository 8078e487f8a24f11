const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600_000],
  ['month', 30 * 24 * 3600_000],
  ['week', 7 * 24 * 3600_000],
  ['day', 24 * 3600_000],
  ['hour', 3600_000],
  ['minute', 60_000],
]

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago": how long ago `time` was. */
export function relativeTime(time: number, now: number = Date.now(), locale?: string): string {
  const elapsed = now - time
  if (elapsed < 60_000) return 'just now'
  const format = new Intl.RelativeTimeFormat(locale ?? 'en', { numeric: 'auto' })
  for (const [unit, size] of UNITS) {
    if (elapsed >= size) return format.format(-Math.floor(elapsed / size), unit)
  }
  return 'just now'
}
