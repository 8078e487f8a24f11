import { describe, expect, it } from 'vitest'
import { commentFragment, createEditFragment, readFragment } from './roomAccess'
import { parseRoomLink } from './parseRoomLink'
import { roomLinkProblem } from './roomLinkProblem'

const KEY = 'A'.repeat(43)

describe('roomLinkProblem', () => {
  it('accepts exact v2 links and every old-style secret', () => {
    expect(roomLinkProblem(createEditFragment())).toBeNull()
    expect(roomLinkProblem(readFragment(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)))).toBeNull()
    expect(roomLinkProblem(commentFragment(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2), new Uint8Array(32).fill(3)))).toBeNull()
    for (const v1 of ['x4Jb9-QmZ0k2_fTgW1aA2w', 'bench-v1-2-abc', 'e1', 'r1-notes', 'E1.upper']) expect(roomLinkProblem(v1)).toBeNull()
  })

  it('says what is wrong with a damaged edit or read-only link, and what would help', () => {
    const cases: [string, RegExp][] = [
      ['e1.', /edit link is damaged[\s\S]*the key is missing/],
      [`e1.${KEY.slice(1)}`, /edit link[\s\S]*the key has 42 characters instead of 43/],
      [`e1.${KEY}x`, /the key has 44 characters/],
      [`e1.${KEY.slice(1)}!`, /characters other than letters, digits/],
      [`e1.${KEY}.${KEY}`, /a “\.” after the key/],
      ['r1.tooShort', /read-only link is damaged[\s\S]*the room key has 8 characters[\s\S]*the public key is missing/],
      [`r1.${KEY}`, /the public key is missing/],
      [`r1.${KEY}.${KEY.slice(3)}`, /the public key has 40 characters/],
      [`r1.${KEY}.${KEY}.${KEY}`, /more than two keys/],
      [`c1.${KEY}.${KEY}`, /comment link is damaged[\s\S]*the comment key is missing/],
      [`c1.${KEY}.${KEY}.${KEY.slice(2)}`, /comment link[\s\S]*the comment key has 41 characters/],
      [`c1.${KEY}.${KEY}.${KEY}.${KEY}`, /more than three keys/],
      // 43 characters that are not the canonical encoding of 32 bytes.
      [`e1.${'A'.repeat(42)}B`, /a key does not decode to 32 bytes/],
    ]
    for (const [fragment, expected] of cases) {
      const problem = roomLinkProblem(fragment)
      expect(problem, fragment).not.toBeNull()
      expect(`${problem?.title}: ${problem?.explanation}`, fragment).toMatch(expected)
      expect(problem?.explanation).toContain('Nothing was opened or saved')
      expect(problem?.remedies.join(' ')).toMatch(/Copy the whole link again/)
    }
  })

  it('makes a Node peer refuse a damaged link with the same words, without the secret', () => {
    expect(() => parseRoomLink(`https://meshpad.example/#r1.${KEY}`)).toThrow(/not a room link: this read-only link is damaged/)
    expect(() => parseRoomLink('https://meshpad.example/#e1.secretish')).toThrow(/has 9 characters/)
    expect(() => parseRoomLink('https://meshpad.example/#e1.secretish')).not.toThrow(/secretish/)
  })
})
