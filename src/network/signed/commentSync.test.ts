import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { appendCommentRecord, COMMENT_ORIGIN, commentRecords, publishCommentKey } from '../../document/comments/commentRecords'
import { toBase64Url } from '../../room/base64Url'
import { signingKeyPair, verifyKey } from '../../room/roomSigning'
import { commentVerifyKey } from './commentVerifyKey'
import { SignedDocSync } from './SignedDocSync'
import { encodeSignedSync, signComment } from './signedSyncMessage'

const TOPIC = 'comment-sim'
const seed = (fill: number): Uint8Array => new Uint8Array(32).fill(fill)

interface Peer {
  readonly doc: Y.Doc
  readonly sync: SignedDocSync
}

/** Writers, comment-link holders and readers of one v2 room, linked pairwise; messages arrive in order, a task later. */
async function room(roles: Record<string, 'writer' | 'commenter' | 'reader'>) {
  const edit = await signingKeyPair(seed(1))
  const comment = await signingKeyPair(seed(2))
  const commentKeys = { privateKey: Promise.resolve(comment.privateKey), publicKey: Promise.resolve(comment.publicKey) }
  const peers = new Map<string, Peer>()
  let inFlight = 0
  for (const [id, role] of Object.entries(roles)) {
    const doc = new Y.Doc()
    const sync = new SignedDocSync({
      doc,
      topic: TOPIC,
      verifyKey: verifyKey(edit.publicKey),
      signingKey: role === 'writer' ? Promise.resolve(edit.privateKey) : null,
      commentSigningKey: role === 'commenter' ? commentKeys.privateKey : null,
      commentVerifyKey: commentVerifyKey(doc, role === 'reader' ? null : commentKeys),
      relayFrom: () => () => true,
      onChange: () => {},
    })
    peers.set(id, { doc, sync })
  }
  const peer = (id: string): Peer => peers.get(id)!
  const link = (a: string, b: string): void => {
    for (const [from, to] of [[a, b], [b, a]] as const) {
      peer(from).sync.addLink(to, (data) => {
        inFlight++
        setTimeout(() => {
          inFlight--
          peer(to).sync.receive(from, data)
        })
      })
    }
    peer(a).sync.hello(b)
    peer(b).sync.hello(a)
  }
  const settled = async (): Promise<void> => {
    for (let rounds = 0; rounds < 200; rounds++) {
      await Promise.all([...peers.values()].map((p) => p.sync.whenIdle()))
      await new Promise((resolve) => setTimeout(resolve))
      await Promise.all([...peers.values()].map((p) => p.sync.whenIdle()))
      if (inFlight === 0) return
    }
    throw new Error('the room never settled')
  }
  const records = (id: string): unknown[] => commentRecords(peer(id).doc).toArray()
  const text = (id: string): string => peer(id).doc.getText('content').toString()
  return { peer, link, settled, records, text, comment, publish: (id: string) => publishCommentKey(peer(id).doc, toBase64Url(comment.publicKey)) }
}

describe('comments in a signed room', () => {
  it("carries a comment-link holder's comments to writers and readers, who check them with the published key", async () => {
    const r = await room({ w: 'writer', c: 'commenter', r: 'reader' })
    r.peer('w').doc.getText('content').insert(0, 'hello world')
    r.publish('w')
    r.link('w', 'c')
    r.link('c', 'r')
    await r.settled()
    expect(r.text('r')).toBe('hello world')
    appendCommentRecord(r.peer('c').doc, { kind: 'thread', id: 't1', text: 'nice' })
    await r.settled()
    expect(r.records('w')).toEqual([{ kind: 'thread', id: 't1', text: 'nice' }])
    expect(r.records('r')).toEqual([{ kind: 'thread', id: 't1', text: 'nice' }])
    expect(r.peer('w').sync.ignored + r.peer('r').sync.ignored).toBe(0)
    // A newcomer reader gets it from the commenter's log.
    expect(r.peer('c').sync.logSize).toBeGreaterThan(0)
  })

  it("refuses a tampered comment-link page's text change, signed with the comment key, on every peer", async () => {
    const r = await room({ w: 'writer', c: 'commenter', r: 'reader' })
    r.peer('w').doc.getText('content').insert(0, 'hello')
    r.publish('w')
    r.link('w', 'c')
    r.link('w', 'r')
    r.link('c', 'r')
    await r.settled()
    const tampered = r.peer('c').doc
    tampered.transact(() => tampered.getText('content').insert(0, 'evil '), COMMENT_ORIGIN)
    tampered.transact(() => tampered.getMap('meta').set('title', 'owned'), COMMENT_ORIGIN)
    await r.settled()
    expect(r.text('w')).toBe('hello')
    expect(r.text('r')).toBe('hello')
    expect(r.peer('w').doc.getMap('meta').get('title')).toBeUndefined()
    expect(r.peer('w').sync.ignored).toBe(2)
    expect(r.peer('r').sync.ignored).toBe(2)
  })

  it("sends nothing of a reader's comment, and refuses comments with another key, as edits, or before any key is published", async () => {
    const r = await room({ w: 'writer', r: 'reader', late: 'reader' })
    r.link('w', 'late')
    r.peer('w').doc.getText('content').insert(0, 'hello')
    await r.settled()
    // No key published yet: a reader cannot check a comment, so it takes none.
    const early = new Y.Doc()
    Y.applyUpdate(early, Y.encodeStateAsUpdate(r.peer('w').doc))
    const before = Y.encodeStateVector(early)
    appendCommentRecord(early, { kind: 'thread', id: 'early' })
    const commentUpdate = Y.encodeStateAsUpdate(early, before)
    r.peer('late').sync.receive('w', await signComment(r.comment.privateKey, TOPIC, commentUpdate))
    await r.settled()
    expect(r.records('late')).toEqual([])
    expect(r.peer('late').sync.ignored).toBe(1)

    r.publish('w')
    r.link('w', 'r')
    await r.settled()
    appendCommentRecord(r.peer('r').doc, { kind: 'thread', id: 'from-reader' })
    await r.settled()
    expect(r.records('w')).toEqual([])

    const stranger = await signingKeyPair(seed(3))
    r.peer('w').sync.receive('r', await signComment(stranger.privateKey, TOPIC, commentUpdate))
    const asEdit = await signComment(r.comment.privateKey, TOPIC, commentUpdate)
    // The same bytes and signature, relabelled as an edit: the edit key's check fails.
    asEdit.set(encodeSignedSync({ kind: 'update', signature: asEdit.subarray(2, 66), update: commentUpdate }).subarray(0, 2))
    r.peer('w').sync.receive('r', asEdit)
    await r.settled()
    expect(r.records('w')).toEqual([])
    expect(r.peer('w').sync.ignored).toBe(2)
    // The same comment, rightly signed, is taken now that the key is published.
    r.peer('late').sync.receive('w', await signComment(r.comment.privateKey, TOPIC, commentUpdate))
    await r.settled()
    expect(r.records('late')).toEqual([{ kind: 'thread', id: 'early' }])
  })

  it('holds against a hostile comment-link holder: 10,000 repeats, truncated and oversized comments cost a check each and change nothing more', async () => {
    const r = await room({ w: 'writer', r: 'reader' })
    r.peer('w').doc.getText('content').insert(0, 'hello')
    r.publish('w')
    r.link('w', 'r')
    await r.settled()
    const scratch = new Y.Doc()
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(r.peer('w').doc))
    const before = Y.encodeStateVector(scratch)
    appendCommentRecord(scratch, { kind: 'thread', id: 'once' })
    const valid = await signComment(r.comment.privateKey, TOPIC, Y.encodeStateAsUpdate(scratch, before))
    const big = new Y.Doc()
    Y.applyUpdate(big, Y.encodeStateAsUpdate(r.peer('w').doc))
    appendCommentRecord(big, { kind: 'thread', id: 'big', text: 'x'.repeat(10 * 2 ** 20) })
    const oversized = await signComment(r.comment.privateKey, TOPIC, Y.encodeStateAsUpdate(big, Y.encodeStateVector(r.peer('w').doc)))
    const sent: Uint8Array[] = []
    r.peer('r').sync.addLink('spy', (data) => sent.push(data))
    const logged = r.peer('r').sync.logSize
    for (let i = 0; i < 10_000; i++) r.peer('r').sync.receive('w', valid)
    r.peer('r').sync.receive('w', valid.subarray(0, 40))
    r.peer('r').sync.receive('w', oversized)
    await r.settled()
    expect(r.records('r')).toEqual([{ kind: 'thread', id: 'once' }])
    // Taken once, relayed once, kept once; the truncated and the oversized one are counted.
    expect(sent.filter((data) => data[1] === 5)).toHaveLength(1)
    expect(r.peer('r').sync.logSize).toBe(logged + 1)
    expect(r.peer('r').sync.ignored).toBe(2)
    expect(r.text('r')).toBe('hello')
  })
})
