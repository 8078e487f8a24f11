import { describe, expect, it } from 'vitest'
import { insecureContextProblem } from './insecureContextProblem'

const lan = { protocol: 'http:', host: '192.168.1.20:4444', hostname: '192.168.1.20', port: '4444', pathname: '/', hash: '#room' }

describe('secure context', () => {
  it('lets a secure page with WebCrypto run', () => {
    expect(insecureContextProblem({ isSecureContext: true, crypto: { subtle: {} }, location: { ...lan, protocol: 'https:' } })).toBeNull()
  })

  it('explains an http page on a LAN address, with the https and localhost links that work', () => {
    const problem = insecureContextProblem({ isSecureContext: false, crypto: {}, location: lan })!
    expect(problem.explanation).toContain('http')
    expect(problem.remedies.join('\n')).toContain('https://192.168.1.20:4444/#room')
    expect(problem.remedies.join('\n')).toContain('http://localhost:4444/#room')
    // A secure flag without WebCrypto is no better.
    expect(insecureContextProblem({ isSecureContext: true, crypto: {}, location: lan })).not.toBeNull()
  })
})
