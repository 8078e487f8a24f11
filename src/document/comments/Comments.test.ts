import { afterEach, describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { memoryDeviceKey } from '../../presence/deviceKey'
import { decodeDocumentFile, encodeDocumentFile } from '../documentFile'
import { COMMENT_LIMITS } from './commentLimits'
import { appendCommentRecord, commentRecords } from './commentRecords'
import { Comments, type CommentsState } from './Comments'
import { signCommentRecord } from './signCommentRecord'
import { commentAnchor } from './commentAnchor'

const TOPIC = 'c'.repeat(64)
const opened: Comments[] = []

function open(doc: Y.Doc, name = 'Ann', device = memoryDeviceKey()): Comments {
  const comments = new Comments({ doc, text: doc.getText('content'), writeDoc: doc, topic: TOPIC, device, name: () => name, resolveDelayMs: 5 })
  opened.push(comments)
  return comments
}

/** Resolves once the store's state satisfies `check` (it is told of every change). */
function until(comments: Comments, check: (state: CommentsState) => boolean): Promise<CommentsState> {
  return new Promise((resolve) => {
    const look = (): void => {
      if (!check(comments.state)) return
      stop()
      resolve(comments.state)
    }
    const stop = comments.subscribe(look)
    look()
  })
}

function newDoc(content = 'The quick brown fox jumps over the lazy dog.'): Y.Doc {
  const doc = new Y.Doc({ gc: false })
  doc.getText('content').insert(0, content)
  return doc
}

afterEach(() => {
  for (const comments of opened.splice(0)) comments.destroy()
})

describe('Comments', () => {
  test('threads come in text order with their words; replies, resolve and own edits show on both peers', async () => {
    const a = newDoc()
    const b = new Y.Doc({ gc: false })
    a.on('update', (update: Uint8Array) => Y.applyUpdate(b, update))
    b.on('update', (update: Uint8Array) => Y.applyUpdate(a, update))
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    const ann = open(a, 'Ann')
    const bob = open(b, 'Bob')
    const second = await ann.addThread(35, 43, 'Lazy?')
    const first = await ann.addThread(4, 9, 'Quick how?')
    await bob.reply(first!, 'Very.')
    await bob.resolve(second!)
    const state = await until(bob, (s) => s.threads.length === 2 && s.threads[0]!.comments.length === 2 && s.threads[1]!.resolved)
    expect(state.threads.map((t) => [t.quote, t.place])).toEqual([
      ['quick', { status: 'anchored', from: 4, to: 9 }],
      ['lazy dog', { status: 'anchored', from: 35, to: 43 }],
    ])
    expect(state.threads[0]!.comments.map((c) => [c.name, c.text, c.mine])).toEqual([['Ann', 'Quick how?', false], ['Bob', 'Very.', true]])
    // Bob cannot edit Ann's comment: his edit record is refused by every peer.
    await bob.edit(first!, 'Bob rewrote it')
    await ann.edit(first!, 'Quick in what way?')
    const after = await until(ann, (s) => s.threads[0]!.comments[0]!.text === 'Quick in what way?' && s.ignored.notAuthor === 1)
    expect(after.threads[0]!.comments[0]!.mine).toBe(true)
    expect((await until(bob, (s) => s.threads[0]!.comments[0]!.editedAt !== null)).ignored.notAuthor).toBe(1)
    expect(bob.state.threads[0]!.comments[0]!.text).toBe('Quick in what way?')
  })

  test('comments never change the text, its undo history or the downloaded text', async () => {
    const doc = newDoc('hello world')
    const text = doc.getText('content')
    const undo = new Y.UndoManager(text, { trackedOrigins: new Set([null]) })
    text.insert(11, '!')
    const comments = open(doc)
    await comments.addThread(0, 5, 'Greeting')
    await comments.reply((await until(comments, (s) => s.threads.length === 1)).threads[0]!.id, 'Yes')
    expect(text.toString()).toBe('hello world!')
    expect(undo.undoStack).toHaveLength(1)
    undo.undo()
    expect(text.toString()).toBe('hello world')
    expect(commentRecords(doc).length).toBe(2)
    expect(undo.canUndo()).toBe(false)
  })

  test('a document file carries the comments, and they show again in the copy', async () => {
    const doc = newDoc('export me with comments')
    const comments = open(doc)
    await comments.addThread(7, 9, 'Who?')
    const imported = decodeDocumentFile(encodeDocumentFile(doc))
    const copy = new Y.Doc({ gc: false })
    Y.applyUpdate(copy, imported.update)
    const state = await until(open(copy), (s) => s.threads.length === 1)
    expect(state.threads[0]!.quote).toBe('me')
    expect(state.threads[0]!.place).toEqual({ status: 'anchored', from: 7, to: 9 })
  })

  test('an anchor into another type or to the end of the text is shown bounded, not thrown', async () => {
    const doc = newDoc('short')
    const device = memoryDeviceKey()
    const anchor = commentAnchor(doc.getText('content'), 0, 5)!
    doc.getMap('meta').set('title', 't')
    const intoMeta = Y.encodeRelativePosition(Y.createRelativePositionFromJSON({ item: { client: doc.clientID, clock: 5 }, assoc: 0 }))
    const end = Y.encodeRelativePosition(Y.createRelativePositionFromTypeIndex(doc.getText('content'), 5, 0))
    const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')
    appendCommentRecord(doc, await signCommentRecord(await device, TOPIC, { kind: 'thread', name: 'M', text: 'meta', ...anchor, start: b64(intoMeta) }))
    appendCommentRecord(doc, await signCommentRecord(await device, TOPIC, { kind: 'thread', name: 'M', text: 'end', ...anchor, start: b64(end), end: b64(end) }))
    const state = await until(open(doc, 'Ann', device), (s) => s.threads.length === 2)
    expect(state.threads.map((t) => t.place.status).sort()).toEqual(['deleted', 'missing'])
    expect(doc.getText('content').toString()).toBe('short')
  })

  test('100,000 records are read within bounds: the page is never blocked long, and the flood is counted', async () => {
    const doc = newDoc('flooded text')
    const device = await memoryDeviceKey()
    const one = await signCommentRecord(device, TOPIC, { kind: 'thread', name: 'F', text: 'flood', ...commentAnchor(doc.getText('content'), 0, 7)! })
    // A flood of valid-looking records (each needs its signature checked), and a real thread.
    doc.transact(() => commentRecords(doc).push(Array.from({ length: 100_000 }, (_, i) => ({ ...one, id: `flood-${String(i).padStart(16, '0')}` }))))
    const started = performance.now()
    let longest = 0
    let last = performance.now()
    const tick = setInterval(() => {
      const now = performance.now()
      longest = Math.max(longest, now - last)
      last = now
    }, 1)
    const comments = open(doc, 'Ann', Promise.resolve(device))
    const state = await until(comments, (s) => s.pending === 0)
    clearInterval(tick)
    expect(state.ignored.overLimit).toBe(100_000 - COMMENT_LIMITS.records)
    expect(state.ignored.badSignature).toBe(COMMENT_LIMITS.records)
    expect(state.threads).toHaveLength(0)
    expect(performance.now() - started).toBeLessThan(15_000)
    expect(longest).toBeLessThan(1_000)
  }, 30_000)

  test('a thread started on an anchor taken earlier stays on those words, whatever was typed meanwhile', async () => {
    const doc = newDoc('pick these words')
    const comments = open(doc)
    const anchor = commentAnchor(doc.getText('content'), 5, 10)!
    doc.getText('content').insert(0, 'Meanwhile someone typed. ')
    await comments.addThreadAt(anchor, 'On these')
    comments.placeNow()
    const state = await until(comments, (s) => s.threads.length === 1)
    expect(state.threads[0]!.place).toEqual({ status: 'anchored', from: 30, to: 35 })
    expect(doc.getText('content').toString().slice(30, 35)).toBe('these')
  })

  test('destroy is idempotent and stops listening', async () => {
    const doc = newDoc()
    const comments = open(doc)
    let calls = 0
    comments.subscribe(() => calls++)
    comments.destroy()
    comments.destroy()
    appendCommentRecord(doc, { type: 'x' })
    expect(calls).toBe(0)
    expect(await comments.addThread(0, 3, 'late')).toBeNull()
  })
})
