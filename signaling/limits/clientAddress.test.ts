import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { addressKey, createClientAddressResolver } from './clientAddress.js'

function request(remoteAddress: string | undefined, forwardedFor?: string): IncomingMessage {
  return { socket: { remoteAddress }, connection: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } } as unknown as IncomingMessage
}

describe('createClientAddressResolver', () => {
  it('uses the peer address and ignores X-Forwarded-For when no proxy is trusted', () => {
    const resolve = createClientAddressResolver(0)
    expect(resolve(request('203.0.113.7', '198.51.100.1'))).toBe('203.0.113.7')
  })

  it('believes as many hops as there are trusted proxies, never more', () => {
    // A client forged the first entry; the load balancer appended the real peer address.
    const forwarded = '192.0.2.66, 198.51.100.1'
    expect(createClientAddressResolver(1)(request('10.0.0.2', forwarded))).toBe('198.51.100.1')
    expect(createClientAddressResolver(2)(request('10.0.0.2', forwarded))).toBe('192.0.2.66')
    expect(createClientAddressResolver(1)(request('10.0.0.2'))).toBe('10.0.0.2')
  })

  it('trusts listed proxies by address or subnet', () => {
    const resolve = createClientAddressResolver(['10.0.0.0/8', 'loopback'])
    expect(resolve(request('10.1.2.3', '198.51.100.1, 127.0.0.1'))).toBe('198.51.100.1')
    expect(resolve(request('203.0.113.7', '198.51.100.1'))).toBe('203.0.113.7')
  })

  it('rejects an invalid proxy address', () => {
    expect(() => createClientAddressResolver(['not-an-address'])).toThrow()
  })

  it('survives a request without a peer address', () => {
    expect(createClientAddressResolver(1)(request(undefined, '198.51.100.1'))).toBe('unknown')
  })
})

describe('addressKey', () => {
  it('keeps IPv4 addresses, unwraps IPv4-mapped IPv6, groups IPv6 by /64', () => {
    expect(addressKey('198.51.100.1')).toBe('198.51.100.1')
    expect(addressKey('::ffff:198.51.100.1')).toBe('198.51.100.1')
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64')
    expect(addressKey('2001:db8:1:2:bbbb::9')).toBe(addressKey('2001:db8:1:2:aaaa::1'))
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'))
    expect(addressKey('unknown')).toBe('unknown')
  })
})
