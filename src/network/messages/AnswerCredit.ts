import { ANSWER_BYTES_PER_BYTE, ANSWER_BYTES_PER_SECOND, ANSWER_TRICKLE_MAX_BYTES } from './linkBudget'

/**
 * What one link may still be sent in answers: the first answer is free (a newcomer's whole
 * document); after it, {@link ANSWER_BYTES_PER_BYTE} bytes per byte the link sent, plus a trickle
 * of {@link ANSWER_BYTES_PER_SECOND} that saves up to {@link ANSWER_TRICKLE_MAX_BYTES} (so waiting
 * long buys no burst), less what was answered.
 */
export class AnswerCredit {
  private earned = 0
  private trickle = 0
  private first = true
  private refilledAt: number

  constructor(private readonly now: () => number = () => performance.now()) {
    this.refilledAt = now()
  }

  /** The link sent `bytes`. */
  earn(bytes: number): void {
    this.earned += ANSWER_BYTES_PER_BYTE * bytes
  }

  /** Whether an answer of about `bytes` may go now; if so, it is charged. */
  spend(bytes: number): boolean {
    if (this.first) {
      this.first = false
      return true
    }
    const now = this.now()
    this.trickle = Math.min(ANSWER_TRICKLE_MAX_BYTES, this.trickle + (ANSWER_BYTES_PER_SECOND * (now - this.refilledAt)) / 1000)
    this.refilledAt = now
    if (bytes > this.earned + this.trickle) return false
    const fromEarned = Math.min(bytes, this.earned)
    this.earned -= fromEarned
    this.trickle -= bytes - fromEarned
    return true
  }
}
