import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { followText } from './followText'
import { waitFor } from '../../../signaling/testing/conditions'

describe('followText', () => {
  it('hands on the text at once, then once per burst of changes, from anyone', async () => {
    const doc = new Y.Doc()
    const text = doc.getText('content')
    text.insert(0, 'a')
    const seen: string[] = []
    const follower = followText(text, (value) => seen.push(value))
    expect(seen).toEqual(['a'])

    text.insert(1, 'b')
    text.insert(2, 'c')
    const remote = new Y.Doc()
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(doc))
    remote.getText('content').insert(3, 'd')
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(remote))
    expect(seen).toEqual(['a'])
    await waitFor(() => seen.length === 2)
    expect(seen).toEqual(['a', 'abcd'])
    follower.destroy()
  })

  it('is destroyed once: no call after it, even for a change already waiting', async () => {
    const text = new Y.Doc().getText('content')
    const seen: string[] = []
    const follower = followText(text, (value) => seen.push(value))
    text.insert(0, 'x')
    follower.destroy()
    follower.destroy()
    text.insert(1, 'y')
    // A later follower sees its change handed on: by then the destroyed one had its chance.
    const later: string[] = []
    const other = followText(text, (value) => later.push(value))
    text.insert(2, 'z')
    await waitFor(() => later.length === 2)
    expect(seen).toEqual([''])
    other.destroy()
  })
})
