import { ANSWER_BYTES_PER_BYTE, ANSWER_BYTES_PER_SECOND } from './linkBudget'

/**
 * What one link may still be sent in answers: the first answer is free (a newcomer's whole
 * document); after it, {@link ANSWER_BYTES_PER_BYTE} bytes per byte the link sent, plus
 * {@link ANSWER_BYTES_PER_SECOND} per second it has been open, less what was answered.
 */
export class AnswerCredit {
  private received = 0
  private spent = 0
  private first = true
  private readonly opened: number

  constructor(private readonly now: () => number = () => performance.now()) {
    this.opened = now()
  }

  /** The link sent `bytes`. */
  earn(bytes: number): void {
    this.received += bytes
  }

  /** Whether an answer of about `bytes` may go now; if so, it is charged. */
  spend(bytes: number): boolean {
    if (this.first) {
      this.first = false
      return true
    }
    const credit = ANSWER_BYTES_PER_BYTE * this.received + (ANSWER_BYTES_PER_SECOND * (this.now() - this.opened)) / 1000 - this.spent
    if (bytes > credit) return false
    this.spent += bytes
    return true
  }
}
