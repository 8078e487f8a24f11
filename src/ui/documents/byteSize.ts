const UNITS = ['bytes', 'KB', 'MB', 'GB', 'TB'] as const

/** A byte count as people read it: "512 bytes", "1.2 MB", "10 GB" (powers of 1000, like browsers). */
export function byteSize(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value).toString() : value.toFixed(1)
  return `${shown} ${UNITS[unit]}`
}
