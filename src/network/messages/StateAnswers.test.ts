import { describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { PREPARE_QUIET_MS, StateAnswers } from './StateAnswers'

/** Counts how often an update is read whole (what a repeated request must not cost again). */
const decoded = vi.hoisted(() => ({ count: 0 }))
vi.mock('yjs', async (importOriginal) => {
  const yjs = await importOriginal<typeof import('yjs')>()
  return { ...yjs, decodeUpdate: (update: Uint8Array) => (decoded.count++, yjs.decodeUpdate(update)) }
})

const signWith = (log: Uint8Array[]) => (update: Uint8Array): Uint8Array => {
  log.push(update)
  return Uint8Array.of(0x4d, 2, ...update)
}

function holder(): Y.Doc {
  const doc = new Y.Doc()
  doc.getText('content').insert(0, 'x'.repeat(1000))
  return doc
}

/** Applies what an answer sends (signed messages made by `signWith`: the update after two bytes). */
async function applyAnswer(doc: Y.Doc, messages: readonly Uint8Array[]): Promise<void> {
  for (const message of messages) Y.applyUpdate(doc, message.subarray(2))
}

describe('StateAnswers', () => {
  it('encodes and signs the whole document once for every newcomer, ahead of the request once the document is quiet and the page idle', async () => {
    vi.useFakeTimers()
    vi.stubGlobal('requestIdleCallback', (run: () => void) => setTimeout(run, 0))
    vi.stubGlobal('cancelIdleCallback', (handle: ReturnType<typeof setTimeout>) => clearTimeout(handle))
    try {
      const doc = holder()
      const signed: Uint8Array[] = []
      const answers = new StateAnswers(doc, { wrap: signWith(signed), overhead: 2, skipEmpty: true })
      answers.changed()
      vi.advanceTimersByTime(PREPARE_QUIET_MS / 2)
      answers.changed()
      vi.advanceTimersByTime(PREPARE_QUIET_MS / 2)
      expect(signed).toHaveLength(0)
      vi.advanceTimersByTime(PREPARE_QUIET_MS)
      expect(signed).toHaveLength(1)
      // Changes since extend it; past its bound it is made again once the document is quiet.
      for (let i = 0; i < 200; i++) answers.applied(() => Uint8Array.of(0x4d, 2, 0, 0), Uint8Array.of(0, 0))
      vi.advanceTimersByTime(2 * PREPARE_QUIET_MS)
      expect(signed).toHaveLength(2)
      const newcomer = new Y.Doc()
      newcomer.getMap('meta').set('schemaVersion', 1)
      const first = answers.answer(Y.encodeStateVector(newcomer))
      const second = answers.answer(Y.encodeStateVector(new Y.Doc()))
      expect(signed).toHaveLength(2)
      expect(first.bytes).toBe(second.bytes)
      await applyAnswer(newcomer, first.messages())
      expect(newcomer.getText('content').toString()).toBe(doc.getText('content').toString())
    } finally {
      vi.unstubAllGlobals()
      vi.useRealTimers()
    }
  })

  it('extends the kept answer with signed messages applied since (a newcomer’s own first update among them), and drops it on any other change', async () => {
    const doc = holder()
    const signed: Uint8Array[] = []
    const answers = new StateAnswers(doc, { wrap: signWith(signed), overhead: 2, skipEmpty: true })
    answers.answer(Y.encodeStateVector(new Y.Doc()))
    // The newcomer's own first update reaches the holder before its request.
    const newcomer = new Y.Doc()
    newcomer.getMap('meta').set('schemaVersion', 1)
    const theirs = Y.encodeStateAsUpdate(newcomer)
    Y.applyUpdate(doc, theirs)
    answers.applied(() => Uint8Array.of(0x4d, 2, ...theirs), theirs)
    const answer = answers.answer(Y.encodeStateVector(newcomer))
    expect(signed).toHaveLength(1)
    await applyAnswer(newcomer, answer.messages())
    expect(Y.encodeStateVector(newcomer)).toEqual(Y.encodeStateVector(doc))

    doc.getText('content').insert(0, 'own edit')
    answers.changed()
    const after = new Y.Doc()
    await applyAnswer(after, answers.answer(Y.encodeStateVector(new Y.Doc())).messages())
    expect(signed).toHaveLength(2)
    expect(after.getText('content').toString()).toBe(doc.getText('content').toString())
  })

  it('answers a peer that holds part of the document with what it lacks, encoded once for sizing and sending', async () => {
    const doc = holder()
    const peer = new Y.Doc()
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(doc))
    doc.getText('content').insert(0, 'new')
    const signed: Uint8Array[] = []
    const answers = new StateAnswers(doc, { wrap: signWith(signed), overhead: 2, skipEmpty: true })
    const sized = answers.answer(Y.encodeStateVector(peer))
    expect(sized.bytes).toBeLessThan(200)
    await applyAnswer(peer, answers.answer(Y.encodeStateVector(peer)).messages())
    expect(signed).toHaveLength(1)
    expect(peer.getText('content').toString()).toBe(doc.getText('content').toString())
    expect(answers.answer(Y.encodeStateVector(doc)).messages().length).toBe(0)
    expect(() => answers.answer(Uint8Array.of(0xff))).toThrow()
  })

  it('answers a peer that holds none of the kept document but what was typed since with what it lacks alone, not every message again', async () => {
    // Kept while the document was empty, then extended by a writer's keystrokes.
    const doc = new Y.Doc()
    const answers = new StateAnswers(doc, { wrap: signWith([]), overhead: 2, skipEmpty: true })
    answers.answer(Y.encodeStateVector(new Y.Doc()))
    const peer = new Y.Doc()
    const text = doc.getText('content')
    const onUpdate = (update: Uint8Array): void => {
      answers.applied(() => Uint8Array.of(0x4d, 2, ...update), update)
      Y.applyUpdate(peer, update)
    }
    doc.on('update', onUpdate)
    for (const char of 'typed') text.insert(text.length, char)
    doc.off('update', onUpdate)
    // The peer has every keystroke: nothing to send.
    expect(answers.answer(Y.encodeStateVector(peer)).messages()).toHaveLength(0)
    expect(answers.answer(Y.encodeStateVector(peer)).bytes).toBe(0)
    // One more keystroke it lacks: that one alone.
    doc.on('update', (update) => answers.applied(() => Uint8Array.of(0x4d, 2, ...update), update))
    text.insert(text.length, '!')
    const answer = answers.answer(Y.encodeStateVector(peer))
    expect(answer.messages()).toHaveLength(1)
    await applyAnswer(peer, answer.messages())
    expect(peer.getText('content').toString()).toBe('typed!')
    // A deletion carries no clock: it is sent whatever the asker holds.
    text.delete(0, 1)
    expect(answers.answer(Y.encodeStateVector(peer)).messages()).toHaveLength(1)
    // A newcomer still gets every message, from the empty document on.
    const newcomer = new Y.Doc()
    await applyAnswer(newcomer, answers.answer(Y.encodeStateVector(newcomer)).messages())
    expect(newcomer.getText('content').toString()).toBe(doc.getText('content').toString())
  })

  it('a request repeated 10,000 times reads each message applied since once, whatever it asks', () => {
    const doc = new Y.Doc()
    const answers = new StateAnswers(doc, { wrap: signWith([]), overhead: 2, skipEmpty: true })
    answers.answer(Y.encodeStateVector(new Y.Doc()))
    const peer = new Y.Doc()
    doc.on('update', (update: Uint8Array) => {
      answers.applied(() => Uint8Array.of(0x4d, 2, ...update), update)
      Y.applyUpdate(peer, update)
    })
    for (let i = 0; i < 100; i++) doc.getText('content').insert(i, 'x')
    decoded.count = 0
    const behind = Y.encodeStateVector(new Y.Doc())
    const caughtUp = Y.encodeStateVector(peer)
    for (let i = 0; i < 10_000; i++) {
      expect(answers.answer(i % 2 === 0 ? caughtUp : behind).messages()).toHaveLength(i % 2 === 0 ? 0 : 100)
    }
    expect(decoded.count).toBe(100)
  })

  it('gives a snapshot as one signed message', async () => {
    const doc = holder()
    const answers = new StateAnswers(doc, { wrap: signWith([]), overhead: 2, skipEmpty: true })
    answers.answer(new Uint8Array([0]))
    answers.applied(() => Uint8Array.of(0x4d, 2, 0, 0), Uint8Array.of(0, 0))
    expect(answers.snapshot().messages()).toHaveLength(1)
  })
})
