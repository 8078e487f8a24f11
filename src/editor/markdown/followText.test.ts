import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { followText, LOCAL_MAX_WAIT_MS, LOCAL_PAUSE_MS } from './followText'

/** A text with a remote peer's doc beside it. */
function setup() {
  const doc = new Y.Doc()
  const text = doc.getText('content')
  const remote = new Y.Doc()
  const seen: string[] = []
  const typeRemotely = (insert: string): void => {
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc))
    remote.getText('content').insert(remote.getText('content').length, insert)
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote), 'peer')
  }
  return { text, seen, typeRemotely }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('followText', () => {
  it("hands on the text at once, then other people's changes at the next idle moment, coalesced", () => {
    vi.useFakeTimers()
    const { text, seen, typeRemotely } = setup()
    text.insert(0, 'a')
    const follower = followText(text, (value) => seen.push(value))
    expect(seen).toEqual(['a'])
    typeRemotely('b')
    typeRemotely('c')
    expect(seen).toEqual(['a'])
    vi.advanceTimersByTime(1)
    expect(seen).toEqual(['a', 'abc'])
    follower.destroy()
  })

  it('hands on my own typing when I pause', () => {
    vi.useFakeTimers()
    const { text, seen } = setup()
    const follower = followText(text, (value) => seen.push(value))
    for (const key of 'hello') {
      text.insert(text.length, key)
      vi.advanceTimersByTime(LOCAL_PAUSE_MS - 50)
    }
    expect(seen).toEqual([''])
    vi.advanceTimersByTime(51)
    expect(seen).toEqual(['', 'hello'])
    follower.destroy()
  })

  it('hands on my own typing at least every LOCAL_MAX_WAIT_MS while I type on', () => {
    vi.useFakeTimers()
    const { text, seen } = setup()
    const follower = followText(text, (value) => seen.push(value))
    for (let elapsed = 0; elapsed <= LOCAL_MAX_WAIT_MS + 100; elapsed += 50) {
      text.insert(text.length, 'x')
      vi.advanceTimersByTime(50)
    }
    expect(seen.length).toBe(2)
    expect(seen[1]?.length).toBeGreaterThanOrEqual(LOCAL_MAX_WAIT_MS / 50)
    follower.destroy()
  })

  it('is destroyed once: nothing is handed on after it, even a change already waiting', () => {
    vi.useFakeTimers()
    const { text, seen, typeRemotely } = setup()
    const follower = followText(text, (value) => seen.push(value))
    typeRemotely('x')
    text.insert(0, 'y')
    follower.destroy()
    follower.destroy()
    typeRemotely('z')
    vi.advanceTimersByTime(LOCAL_MAX_WAIT_MS * 2)
    expect(seen).toEqual([''])
  })
})
