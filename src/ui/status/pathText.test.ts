import { describe, expect, it } from 'vitest'
import { NO_PATHS } from '../../network/PeerPaths'
import { pathText } from './pathText'

describe('pathText', () => {
  it('says nothing while every peer is reached directly', () => {
    expect(pathText(NO_PATHS)).toBe('')
    expect(pathText({ ...NO_PATHS, direct: 3 })).toBe('')
  })

  it('names the relay, and what is still connecting', () => {
    expect(pathText({ ...NO_PATHS, relay: 1 })).toBe('1 through a relay (TURN)')
    expect(pathText({ ...NO_PATHS, direct: 2, relay: 1, connecting: 1 })).toBe('2 direct · 1 through a relay (TURN) · connecting to 1…')
  })

  it('says who cannot be reached and what would help, depending on what is configured', () => {
    expect(pathText({ ...NO_PATHS, unreachable: 1 })).toMatch(/^Cannot reach 1 person in the room\. .*configure a TURN relay/)
    expect(pathText({ ...NO_PATHS, unreachable: 2, turnConfigured: true })).toMatch(/^Cannot reach 2 people .*firewall/)
    expect(pathText({ ...NO_PATHS, unreachable: 1, turnConfigured: true, relayProblem: true })).toMatch(/refused its credentials.*TURN_SECRET/)
  })
})
