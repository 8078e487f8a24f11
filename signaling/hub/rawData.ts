import type { RawData } from 'ws'

/** The byte length of a frame as ws hands it over (a Buffer, an ArrayBuffer or fragments). */
export function rawDataBytes(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0)
  return data instanceof ArrayBuffer ? data.byteLength : data.length
}

/** A frame as ws hands it over, decoded as UTF-8. */
export function rawDataText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8')
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return Buffer.from(data).toString('utf8')
}
