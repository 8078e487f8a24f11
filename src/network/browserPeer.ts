import LightPeer from 'simple-peer-light'

/**
 * The peer connection y-webrtc creates, in the browser build: simple-peer-light (simple-peer 9.10
 * without Node's streams and their polyfills, the same protocol and the same code paths), with the
 * rest of the EventEmitter API that y-webrtc and `PeerLinks` call. Vite resolves y-webrtc's
 * `simple-peer/simplepeer.min.js` to this module (vite.config.ts); Node keeps simple-peer itself,
 * and the two interoperate (`browserPeer.contract.test.ts`).
 * Why: simple-peer's prebuilt bundle carries Node's stream, buffer and events polyfills, which
 * a data channel does not need and every first visit would download.
 */
export default class BrowserPeer extends LightPeer {
  addListener(event: string, listener: (...args: never[]) => void): this {
    this.on(event, listener)
    return this
  }

  removeListener(event: string, listener: (...args: never[]) => void): this {
    this.off(event, listener)
    return this
  }

  listenerCount(event: string): number {
    return this._map.get(event)?.size ?? 0
  }
}
