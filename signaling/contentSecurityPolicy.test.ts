import { describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy.js'

function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((part) => {
    const [name, ...values] = part.trim().split(/\s+/)
    return [name as string, values]
  }))
}

describe('Content-Security-Policy', () => {
  const policy = directives(CONTENT_SECURITY_POLICY)

  it('runs scripts only from the app itself: no inline scripts, no eval, no plugins, no <base>', () => {
    expect(policy.get('script-src')).toEqual(["'self'"])
    expect(policy.get('default-src')).toEqual(["'self'"])
    expect(policy.get('object-src')).toEqual(["'none'"])
    expect(policy.get('base-uri')).toEqual(["'none'"])
    expect(policy.get('frame-ancestors')).toEqual(["'none'"])
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
  })

  it("allows what the app needs: any signaling server, its workers, data and consented remote images", () => {
    expect(policy.get('connect-src')).toEqual(["'self'", 'ws:', 'wss:'])
    expect(policy.get('worker-src')).toEqual(["'self'"])
    expect(policy.get('img-src')).toEqual(["'self'", 'data:', 'blob:', 'https:'])
    expect(policy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"])
  })
})
