import { fetchIceServers, ICE_SERVERS_PATH, type IceServerSource } from '../src/network/iceServers'

/** Where a peer asks for the ICE servers of a link's origin; `null`: none (tests without a server). */
export type IceServersFor = ((origin: string) => IceServerSource) | null

/** Asks the Meshpad server at `origin` for its ICE servers, as a page served from it does. */
export const fetchIceServersOf: IceServersFor = (origin) => fetchIceServers({ url: new URL(ICE_SERVERS_PATH, origin).href })

/** The ICE servers of each origin the peer's rooms come from: asked once per origin (and renewed by the source). */
export class IceSourcesByOrigin {
  private readonly sources = new Map<string, IceServerSource>()

  constructor(private readonly iceServersFor: IceServersFor) {}

  /** `origin`'s source, asked for the first time now if it is new; undefined when there are none. */
  of(origin: string): IceServerSource | undefined {
    if (this.iceServersFor === null) return undefined
    let source = this.sources.get(origin)
    if (source === undefined) {
      source = this.iceServersFor(origin)
      this.sources.set(origin, source)
    }
    return source
  }

  /** Idempotent. */
  destroy(): void {
    for (const source of this.sources.values()) source.destroy()
    this.sources.clear()
  }
}
