import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { LINES_PER_WINDOW, RateLimitedLog, WINDOW_MS } from './RateLimitedLog'

describe('RateLimitedLog', () => {
  it('counts every one of 10,000 hostile errors, writes a handful of lines, and says how many it left out', () => {
    const lines: Record<string, unknown>[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
        callback()
      },
    })
    let now = 0
    const counted = { logged: 0, suppressed: 0 }
    const log = new RateLimitedLog(pino(sink), (_kind, suppressed) => counted[suppressed ? 'suppressed' : 'logged']++, () => now)
    for (let i = 0; i < 10_000; i++) log.write('error', 'uncaught', { error: `malformed message ${i}` }, 'uncaught error')
    log.write('warn', 'other', {}, 'another kind has its own share')
    expect(counted).toEqual({ logged: LINES_PER_WINDOW + 1, suppressed: 10_000 - LINES_PER_WINDOW })
    expect(lines.filter((line) => line.kind === 'uncaught')).toHaveLength(LINES_PER_WINDOW)
    now += WINDOW_MS
    log.write('error', 'uncaught', { error: 'next window' }, 'uncaught error')
    expect(lines.at(-2)).toMatchObject({ kind: 'uncaught', suppressed: 10_000 - LINES_PER_WINDOW, msg: 'similar lines were left out of the log' })
    expect(lines.at(-1)).toMatchObject({ kind: 'uncaught', error: 'next window' })
  })
})
