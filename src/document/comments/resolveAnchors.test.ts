import { describe, expect, test } from 'vitest'
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { ShuffledMesh } from '../history/testing/ShuffledMesh'
import { commentAnchor, decodeAnchorPosition, type CommentAnchor } from './commentAnchor'
import { resolveAnchors, type AnchorPlace, type DecodedAnchor } from './resolveAnchors'

function decoded(anchor: CommentAnchor): DecodedAnchor {
  return { start: decodeAnchorPosition(anchor.start), end: decodeAnchorPosition(anchor.end), quote: anchor.quote, len: anchor.len }
}

function place(text: Y.Text, anchor: CommentAnchor): AnchorPlace {
  return resolveAnchors(text, [decoded(anchor)])[0]!
}

function words(text: Y.Text, at: AnchorPlace): string | 'deleted' | 'missing' {
  return at.status === 'anchored' ? text.toString().slice(at.from, at.to) : at.status
}

function newText(content: string): Y.Text {
  const doc = new Y.Doc({ gc: false })
  const text = doc.getText('content')
  text.insert(0, content)
  return text
}

describe('resolveAnchors', () => {
  test('an anchor follows inserts before, inside and right after its words, and keeps them', () => {
    const text = newText('the quick brown fox')
    const anchor = commentAnchor(text, 4, 15)!
    expect(anchor.quote).toBe('quick brown')
    text.insert(0, 'See: ')
    text.insert(14, 'ly')
    text.insert(text.toString().indexOf(' fox'), '!!')
    expect(text.toString()).toBe('See: the quickly brown!! fox')
    expect(words(text, place(text, anchor))).toBe('quickly brown')
  })

  test('agrees with Yjs own resolution of each end', () => {
    const text = newText('abcdef ghijkl mnopqr')
    const anchor = commentAnchor(text, 2, 17)!
    text.delete(0, 3)
    text.insert(5, 'XYZ')
    const at = place(text, anchor)
    const start = Y.createAbsolutePositionFromRelativePosition(decodeAnchorPosition(anchor.start)!, text.doc!, false)!
    const end = Y.createAbsolutePositionFromRelativePosition(decodeAnchorPosition(anchor.end)!, text.doc!, false)!
    expect(at).toEqual({ status: 'anchored', from: start.index, to: end.index })
  })

  test('an anchor at the end of the text stays on its words when text is appended', () => {
    const text = newText('hello world')
    const anchor = commentAnchor(text, 6, 11)!
    text.insert(11, ' and more')
    expect(words(text, place(text, anchor))).toBe('world')
  })

  test('deleted words leave the thread on deleted text, where they were; partly deleted words shrink', () => {
    const text = newText('one two three four')
    const gone = commentAnchor(text, 4, 13)!
    const partly = commentAnchor(text, 0, 7)!
    text.delete(3, 10)
    expect(text.toString()).toBe('one four')
    expect(place(text, gone)).toEqual({ status: 'deleted', from: 3, to: 3 })
    expect(words(text, place(text, partly))).toBe('one')
  })

  test('undo of the deletion brings the thread back, redo deletes it again (yjs#638)', () => {
    const text = newText('keep these words here')
    const undo = new Y.UndoManager(text, { captureTimeout: 0 })
    const anchor = commentAnchor(text, 5, 16)!
    text.delete(5, 12)
    expect(place(text, anchor).status).toBe('deleted')
    undo.undo()
    expect(words(text, place(text, anchor))).toBe('these words')
    undo.redo()
    expect(place(text, anchor).status).toBe('deleted')
    undo.undo()
    expect(words(text, place(text, anchor))).toBe('these words')
  })

  test('a peer that did not undo places the restored words alike', () => {
    const net = new ShuffledMesh(prng.create(7), [false, false])
    const [a, b] = net.docs.map((doc) => doc.getText('content')) as [Y.Text, Y.Text]
    a.insert(0, 'alpha beta gamma')
    net.flush()
    const undo = new Y.UndoManager(a, { captureTimeout: 0 })
    const anchor = commentAnchor(b, 6, 10)!
    a.delete(5, 5)
    net.flush()
    undo.undo()
    net.flush()
    expect(a.toString()).toBe('alpha beta gamma')
    expect(b.toString()).toBe('alpha beta gamma')
    expect(place(a, anchor)).toEqual({ status: 'anchored', from: 6, to: 10 })
    expect(place(b, anchor)).toEqual({ status: 'anchored', from: 6, to: 10 })
  })

  test('an anchor naming nothing, another type, another document or garbage is missing, and creates no type', () => {
    const text = newText('some text')
    const other = newText('other doc')
    const meta = text.doc!.getMap('meta')
    meta.set('title', 'x')
    const foreign = commentAnchor(other, 0, 5)!
    const rootTypeEnd = Y.createRelativePositionFromJSON({ tname: 'not-a-type', assoc: 0 })
    const intoMeta = Y.createRelativePositionFromJSON({ item: { client: text.doc!.clientID, clock: 9 }, assoc: 0 })
    expect(place(text, foreign)).toEqual({ status: 'missing' })
    expect(resolveAnchors(text, [{ start: rootTypeEnd, end: rootTypeEnd, quote: 'x', len: 1 }])[0]).toEqual({ status: 'missing' })
    expect(resolveAnchors(text, [{ start: intoMeta, end: intoMeta, quote: 'x', len: 1 }])[0]).toEqual({ status: 'missing' })
    expect(resolveAnchors(text, [{ start: null, end: null, quote: 'x', len: 1 }])[0]).toEqual({ status: 'missing' })
    expect(decodeAnchorPosition('!!!not base64')).toBeNull()
    expect([...text.doc!.share.keys()].sort()).toEqual(['content', 'meta'])
  })

  test('seeded concurrent edits on three peers: every anchor shows the same words on each, or is deleted on each', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rng = prng.create(seed)
      const net = new ShuffledMesh(rng, [false, false, false])
      const texts = net.docs.map((doc) => doc.getText('content'))
      const undos = texts.map((text) => new Y.UndoManager(text, { captureTimeout: 0 }))
      texts[0]!.insert(0, 'The first words of a shared text, before anyone edits it.')
      net.flush()
      const anchors: CommentAnchor[] = []
      for (let step = 0; step < 120; step++) {
        const peer = prng.int32(rng, 0, 2)
        const text = texts[peer]!
        const roll = prng.int32(rng, 0, 9)
        if (roll === 0 && text.length > 2) {
          const from = prng.int32(rng, 0, text.length - 2)
          const anchor = commentAnchor(text, from, prng.int32(rng, from + 1, Math.min(text.length, from + 12)))
          if (anchor) anchors.push(anchor)
        } else if (roll === 1) undos[peer]!.undo()
        else if (roll === 2) undos[peer]!.redo()
        else net.edit(peer)
        net.deliver(prng.int32(rng, 0, 3))
      }
      net.flush()
      const results = texts.map((text) => resolveAnchors(text, anchors.map(decoded)).map((at) => words(text, at)))
      expect(texts[1]!.toString()).toBe(texts[0]!.toString())
      expect(results[1], `seed ${seed}`).toEqual(results[0])
      expect(results[2], `seed ${seed}`).toEqual(results[0])
      expect(results[0]!.every((at) => at !== 'missing')).toBe(true)
    }
  })
})
