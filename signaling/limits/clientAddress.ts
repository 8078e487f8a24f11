import type { IncomingMessage } from 'node:http'
import ipaddr from 'ipaddr.js'
import proxyAddr from 'proxy-addr'

/**
 * Which `X-Forwarded-For` hops to believe: a number of reverse proxies in front of the server (0:
 * none, use the socket's peer address), or the addresses/subnets of the trusted proxies
 * (`10.0.0.0/8`, `loopback`, `uniquelocal` … as `proxy-addr` understands them).
 */
export type TrustProxy = number | readonly string[]

/**
 * Compiles `trust` once; the resolver returns the address of the client behind the trusted
 * proxies. Throws (a TypeError from proxy-addr) when a listed address or subnet is invalid.
 *
 * Only trusted proxies' hops are believed: a client can put anything in the header it sends,
 * and with TRUST_PROXY=1 the load balancer appends the real peer address after it.
 */
export function createClientAddressResolver(trust: TrustProxy): (req: IncomingMessage) => string {
  const trusted = typeof trust === 'number' ? (_addr: string, i: number): boolean => i < trust : proxyAddr.compile([...trust])
  return (req) => {
    // An aborted request may have lost its peer address; it still needs a key.
    if (req.socket.remoteAddress === undefined) return 'unknown'
    return proxyAddr(req, trusted)
  }
}

/**
 * Compiles a list of addresses/subnets (proxy-addr syntax: `203.0.113.5`, `10.0.0.0/8`,
 * `loopback`, `uniquelocal`) into a test of one address. Throws a TypeError on an invalid entry.
 */
export function createAddressMatcher(list: readonly string[]): (address: string) => boolean {
  if (list.length === 0) return () => false
  const matches = proxyAddr.compile([...list])
  return (address) => ipaddr.isValid(address) && matches(address, 0)
}

/**
 * The key the per-address connection limit counts under: an IPv4 address as it is (IPv4-mapped
 * IPv6 included), an IPv6 address by its /64 prefix — one subscriber usually holds a whole /64,
 * so counting single IPv6 addresses would limit nothing.
 */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address
  const parsed = ipaddr.process(address)
  if (parsed.kind() === 'ipv4') return parsed.toString()
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4)
  return `${parts.map((part) => part.toString(16)).join(':')}::/64`
}
