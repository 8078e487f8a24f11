import { describe, expect, it } from 'vitest'
import { AnswerCredit } from './AnswerCredit'
import { ANSWER_BYTES_PER_BYTE, ANSWER_BYTES_PER_SECOND, ANSWER_TRICKLE_MAX_BYTES } from './linkBudget'

describe('AnswerCredit', () => {
  it('gives the first answer free, then what the link earned per byte, and a trickle that saves up only so far', () => {
    let now = 0
    const credit = new AnswerCredit(() => now)
    expect(credit.spend(10 * 2 ** 20)).toBe(true)
    credit.earn(1000)
    expect(credit.spend(ANSWER_BYTES_PER_BYTE * 1000 + 1)).toBe(false)
    expect(credit.spend(ANSWER_BYTES_PER_BYTE * 1000)).toBe(true)
    expect(credit.spend(1)).toBe(false)
    now += 1000
    expect(credit.spend(ANSWER_BYTES_PER_SECOND + 1)).toBe(false)
    expect(credit.spend(ANSWER_BYTES_PER_SECOND)).toBe(true)
    // A day of waiting buys no more than the trickle's cap.
    now += 86_400_000
    expect(credit.spend(ANSWER_TRICKLE_MAX_BYTES + 1)).toBe(false)
    expect(credit.spend(ANSWER_TRICKLE_MAX_BYTES)).toBe(true)
    expect(credit.spend(1)).toBe(false)
  })
})
