/** The query parameter that sets y-webrtc's `maxConns` in a page: `?maxConns=N` (tests, benchmarks). */
export const MAX_CONNS_PARAM = 'maxConns'

/**
 * y-webrtc's `maxConns` from a page's query string, or undefined (y-webrtc's own 20 + 0–14) when
 * it is absent or not a whole number from 1 to 64. A low value makes a room of a few peers a
 * partial mesh, where updates travel the broadcast tree.
 */
export function maxConnsFromSearch(search: string): number | undefined {
  const param = new URLSearchParams(search).get(MAX_CONNS_PARAM)
  if (param === null || !/^\d{1,2}$/.test(param)) return undefined
  const value = Number(param)
  return value >= 1 && value <= 64 ? value : undefined
}
