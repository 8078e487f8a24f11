declare module 'simple-peer-light' {
  /** simple-peer 9.10's peer without Node streams (see `browserPeer`); only what Meshpad uses is typed. */
  export default class Peer {
    constructor(options?: Record<string, unknown>)
    readonly connected: boolean
    readonly destroyed: boolean
    readonly initiator: boolean
    readonly _pc: RTCPeerConnection | null
    /** The emitter's listeners, by event. */
    readonly _map: Map<string, Set<(...args: never[]) => void>>
    on(event: string, listener: (...args: never[]) => void): void
    off(event: string, listener: (...args: never[]) => void): void
    once(event: string, listener: (...args: never[]) => void): void
    emit(event: string, ...args: unknown[]): void
    signal(data: unknown): void
    send(data: Uint8Array | string): void
    destroy(error?: Error): void
  }
}

declare module 'simple-peer/simplepeer.min.js' {
  /** simple-peer's prebuilt bundle, as y-webrtc imports it (Node keeps it; see `browserPeer`). */
  export default class SimplePeer {
    constructor(options?: Record<string, unknown>)
    readonly connected: boolean
    readonly _pc: RTCPeerConnection | null
    on(event: string, listener: (...args: never[]) => void): this
    removeListener(event: string, listener: (...args: never[]) => void): this
    listenerCount(event: string): number
    signal(data: unknown): void
    send(data: Uint8Array | string): void
    destroy(error?: Error): void
  }
}
