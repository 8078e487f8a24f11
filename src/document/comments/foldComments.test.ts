import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { memoryDeviceKey, type DeviceKey } from '../../presence/deviceKey'
import { commentAnchor } from './commentAnchor'
import { COMMENT_LIMITS } from './commentLimits'
import { parseCommentRecord, type CommentRecord } from './commentRecord'
import { MAX_COMMENT_RECORD_BYTES } from './commentRecords'
import { foldComments, type FoldEntry } from './foldComments'
import { signCommentRecord, verifyCommentRecord, type CommentRecordFields } from './signCommentRecord'

const TOPIC = 'a'.repeat(64)

const text = (() => {
  const doc = new Y.Doc()
  const content = doc.getText('content')
  content.insert(0, 'some words to comment on')
  return content
})()
const anchor = commentAnchor(text, 5, 10)!

async function signed(device: DeviceKey, fields: Omit<CommentRecordFields, 'name'> & { name?: string }, topic = TOPIC): Promise<CommentRecord> {
  return signCommentRecord(device, topic, { name: 'Ann', ...fields })
}

/** Parses and verifies like the store does. */
async function entries(values: readonly unknown[]): Promise<FoldEntry[]> {
  return Promise.all(
    values.map(async (value) => {
      const record = parseCommentRecord(value)
      if (record === null) return { record, verdict: 'invalid' as const }
      return { record, verdict: (await verifyCommentRecord(TOPIC, record)) ? ('valid' as const) : ('invalid' as const) }
    }),
  )
}

describe('foldComments', () => {
  test('a thread, replies, resolve and reopen (last wins, from anyone), and an edit and delete by the author', async () => {
    const ann = await memoryDeviceKey()
    const bob = await memoryDeviceKey()
    const thread = await signed(ann, { kind: 'thread', text: 'Why this?', ...anchor })
    const reply = await signed(bob, { kind: 'reply', on: thread.id, text: 'Because.', name: 'Bob' })
    const records = [
      thread,
      reply,
      await signed(bob, { kind: 'resolve', on: thread.id, name: 'Bob' }),
      await signed(ann, { kind: 'reopen', on: thread.id }),
      await signed(bob, { kind: 'resolve', on: thread.id, name: 'Bob' }),
      await signed(ann, { kind: 'edit', on: thread.id, text: 'Why this word?' }),
      await signed(bob, { kind: 'delete', on: reply.id, name: 'Bob' }),
    ]
    const folded = foldComments(await entries(records))
    expect(folded.threads).toHaveLength(1)
    const [only] = folded.threads
    expect(only!.quote).toBe('words')
    expect(only!.resolved).toBe(true)
    expect(only!.statusBy?.name).toBe('Bob')
    expect(only!.comments.map((c) => [c.name, c.text, c.deleted, c.editedAt !== null])).toEqual([
      ['Ann', 'Why this word?', false, true],
      ['Bob', '', true, false],
    ])
    expect(folded.ignored).toEqual({ malformed: 0, badSignature: 0, unknownTarget: 0, notAuthor: 0, overLimit: 0 })
  })

  test('only the author edits or deletes a comment: another key is refused and counted', async () => {
    const ann = await memoryDeviceKey()
    const mallory = await memoryDeviceKey()
    const thread = await signed(ann, { kind: 'thread', text: 'Mine', ...anchor })
    const folded = foldComments(
      await entries([thread, await signed(mallory, { kind: 'edit', on: thread.id, text: 'Hijacked', name: 'Ann' }), await signed(mallory, { kind: 'delete', on: thread.id, name: 'Ann' })]),
    )
    expect(folded.threads[0]!.comments[0]).toMatchObject({ text: 'Mine', deleted: false, editedAt: null })
    expect(folded.ignored.notAuthor).toBe(2)
  })

  test('a forged signature, a record of another room, a changed field and a replayed id are refused', async () => {
    const ann = await memoryDeviceKey()
    const thread = await signed(ann, { kind: 'thread', text: 'Original', ...anchor })
    const edit = await signed(ann, { kind: 'edit', on: thread.id, text: 'Edited once' })
    const forged = { ...(await signed(ann, { kind: 'edit', on: thread.id, text: 'x' })), text: 'Forged by changing a signed field' }
    const otherRoom = await signed(ann, { kind: 'reply', on: thread.id, text: 'From another room' }, 'b'.repeat(64))
    const zeroSig = { ...(await signed(ann, { kind: 'reply', on: thread.id, text: 'zero' })), sig: 'A'.repeat(86) }
    const folded = foldComments(await entries([thread, edit, forged, otherRoom, zeroSig, edit]))
    expect(folded.threads[0]!.comments.map((c) => c.text)).toEqual(['Edited once'])
    expect(folded.ignored.badSignature).toBe(3)
    expect(folded.ignored.unknownTarget).toBe(1)
  })

  test('records acting on unknown ids, or before what they act on, are ignored and counted', async () => {
    const ann = await memoryDeviceKey()
    const thread = await signed(ann, { kind: 'thread', text: 'Later', ...anchor })
    const early = await signed(ann, { kind: 'reply', on: thread.id, text: 'Too early' })
    const nowhere = await signed(ann, { kind: 'resolve', on: 'AAAAAAAAAAAAAAAAAAAAAA' })
    const folded = foldComments(await entries([early, nowhere, thread]))
    expect(folded.threads[0]!.comments).toHaveLength(1)
    expect(folded.threads[0]!.resolved).toBe(false)
    expect(folded.ignored.unknownTarget).toBe(2)
  })

  test('malformed, oversize and unsafe records are refused by shape before any signature is checked', async () => {
    const ann = await memoryDeviceKey()
    const good = await signed(ann, { kind: 'thread', text: 'ok', ...anchor })
    const bad: unknown[] = [
      null,
      'text',
      [1, 2],
      { ...good, extra: 1 },
      { ...good, kind: 'rewrite' },
      { ...good, text: 'x'.repeat(10 * 1024 * 1024) },
      { ...good, text: 'x'.repeat(COMMENT_LIMITS.text + 1) },
      { ...good, name: 'evil\u202eeman' },
      { ...good, name: '' },
      { ...good, start: undefined },
      { ...good, on: good.id },
      { ...good, at: -1 },
      { ...good, key: 'short' },
      { ...good, text: { nested: true } },
    ]
    for (const value of bad) expect(parseCommentRecord(value), JSON.stringify(value)?.slice(0, 80)).toBeNull()
    expect(parseCommentRecord(good)).not.toBeNull()
    expect(JSON.stringify(good).length).toBeLessThan(MAX_COMMENT_RECORD_BYTES)
    const folded = foldComments(await entries([...bad, good]))
    expect(folded.threads).toHaveLength(1)
    expect(folded.ignored.malformed).toBe(bad.length)
  })

  test('comments per thread and threads are bounded; records past the read bound are counted, not read', async () => {
    const ann = await memoryDeviceKey()
    const thread = await signed(ann, { kind: 'thread', text: 'Busy', ...anchor })
    const replies = await Promise.all(Array.from({ length: COMMENT_LIMITS.commentsPerThread + 5 }, (_, i) => signed(ann, { kind: 'reply', on: thread.id, text: `r${i}` })))
    const folded = foldComments(await entries([thread, ...replies]))
    expect(folded.threads[0]!.comments).toHaveLength(COMMENT_LIMITS.commentsPerThread)
    expect(folded.ignored.overLimit).toBe(6)

    const many: FoldEntry[] = Array.from({ length: COMMENT_LIMITS.threads + 3 }, (_, i) => ({ record: { ...thread, id: `thread-number-${String(i).padStart(8, '0')}` }, verdict: 'valid' }))
    const bounded = foldComments(many, 100_000)
    expect(bounded.threads).toHaveLength(COMMENT_LIMITS.threads)
    expect(bounded.ignored.overLimit).toBe(3 + 100_000 - COMMENT_LIMITS.records)
  })
})
