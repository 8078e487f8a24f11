/**
 * The signaling link, as a person reads it in the status bar.
 * - `connecting`: never connected yet in this session, still trying.
 * - `connected`: at least one signaling server is connected.
 * - `reconnecting`: was connected, lost every server, trying again.
 * - `unreachable`: every server failed {@link UNREACHABLE_AFTER_FAILURES} attempts in a row;
 *   retries go on in the background and the state returns to `connected` when one succeeds.
 */
export type SignalingState = 'connecting' | 'connected' | 'reconnecting' | 'unreachable'

/** Failed connection attempts (per server, in a row) after which a server counts as unreachable. */
export const UNREACHABLE_AFTER_FAILURES = 3

/** What a signaling connection exposes (lib0's WebsocketClient, which y-webrtc's extends). */
export interface SignalingConnState {
  readonly connected: boolean
  readonly unsuccessfulReconnects: number
}

/**
 * Derives the signaling state from the connections. `everConnected` tells `connecting` (first
 * attempts) from `reconnecting` (the link was lost).
 */
export function signalingState(conns: readonly SignalingConnState[], everConnected: boolean): SignalingState {
  if (conns.some((conn) => conn.connected)) return 'connected'
  if (conns.length > 0 && conns.every((conn) => conn.unsuccessfulReconnects >= UNREACHABLE_AFTER_FAILURES)) {
    return 'unreachable'
  }
  return everConnected ? 'reconnecting' : 'connecting'
}
