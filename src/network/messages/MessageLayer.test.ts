import { Awareness } from 'y-protocols/awareness'
import * as encoding from 'lib0/encoding'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as Y from 'yjs'
import { MAX_PRESENCE_CLIENTS_PER_LINK, MAX_PRESENCE_STATE_BYTES } from './linkBudget'
import { MessageLayer } from './MessageLayer'
import { flushAll, linkLayers, sendRaw as raw } from './testing/memoryLinks'

interface Peer {
  readonly doc: Y.Doc
  readonly awareness: Awareness
  readonly layer: MessageLayer
}

function peer(name: string, relayed = false): Peer {
  const doc = new Y.Doc()
  const awareness = new Awareness(doc)
  awareness.setLocalState({ user: { name, color: '#112233', colorLight: '#11223333' }, peerId: name })
  const layer = new MessageLayer({ doc, awareness, signed: null, selfPeerId: () => name, relayTargets: () => 'all', relayedPresence: () => relayed, onChange: () => {} })
  return { doc, awareness, layer }
}

function presence(clientId: number, clock: number, state: unknown): Uint8Array {
  const encoder = encoding.createEncoder()
  encoding.writeVarUint(encoder, 1)
  const inner = encoding.createEncoder()
  encoding.writeVarUint(inner, 1)
  encoding.writeVarUint(inner, clientId)
  encoding.writeVarUint(inner, clock)
  encoding.writeVarString(inner, JSON.stringify(state))
  encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner))
  return encoding.toUint8Array(encoder)
}

const peers: Peer[] = []
function make(name: string, relayed = false): Peer {
  const made = peer(name, relayed)
  peers.push(made)
  return made
}
afterEach(() => {
  vi.useRealTimers()
  for (const { layer, awareness, doc } of peers.splice(0)) {
    layer.destroy()
    awareness.destroy()
    doc.destroy()
  }
})

describe('MessageLayer', () => {
  it('syncs a v1 room both ways when a link comes up, then carries live edits and presence', () => {
    const [a, b] = [make('a'), make('b')]
    a.doc.getText('content').insert(0, 'from a ')
    b.doc.getText('content').insert(0, 'from b ')
    const { xEnd, yEnd } = linkLayers(a.layer, 'a', b.layer, 'b')
    flushAll([xEnd, yEnd])
    expect(b.doc.getText('content').toString()).toBe(a.doc.getText('content').toString())
    expect(a.layer.isSynced('b') && b.layer.isSynced('a')).toBe(true)
    a.doc.getText('content').insert(0, 'live ')
    flushAll([xEnd, yEnd])
    expect(b.doc.getText('content').toString()).toContain('live ')
    expect(b.awareness.getStates().get(a.doc.clientID)).toMatchObject({ user: { name: 'a' } })
  })

  it('drops types nobody may send on a data channel (y-webrtc peer-id, auth, unknown) and malformed bytes, and keeps syncing', () => {
    const [a, b] = [make('a'), make('b')]
    const { xEnd, yEnd } = linkLayers(a.layer, 'a', b.layer, 'b')
    flushAll([xEnd, yEnd])
    const hostile = [Uint8Array.of(4, 1, 1, 0x63), Uint8Array.of(2, 0), Uint8Array.of(99), Uint8Array.of(0, 2, 0xff, 0xff), Uint8Array.of(1), new Uint8Array(0)]
    for (const data of hostile) raw(yEnd, data)
    expect(() => flushAll([yEnd])).not.toThrow()
    expect(Object.fromEntries(a.layer.dropped)).toEqual({ 'a message of no type this peer reads': 4, 'a malformed message': 2 })
    b.doc.getText('content').insert(0, 'still here')
    flushAll([xEnd, yEnd])
    expect(a.doc.getText('content').toString()).toBe('still here')
  })

  it('answers 20,000 requests for the whole document once, then once per interval with the latest', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    const [a, b] = [make('a'), make('b')]
    a.doc.getText('content').insert(0, 'x'.repeat(100_000))
    const { xEnd, yEnd } = linkLayers(a.layer, 'a', b.layer, 'b')
    flushAll([xEnd, yEnd])
    const request = Uint8Array.of(0, 0, 1, 0)
    // 80 kB of requests earn 1.5 bytes of answers each: one whole document, not two.
    for (let i = 0; i < 20_000; i++) raw(yEnd, request)
    yEnd.flush()
    expect(xEnd.wire.length).toBe(0)
    vi.advanceTimersByTime(1_000)
    const answered = xEnd.wire.reduce((sum, data) => sum + data.byteLength, 0)
    expect(answered).toBeGreaterThan(100_000)
    expect(answered).toBeLessThan(2 * 100_000)
    vi.advanceTimersByTime(10_000)
    expect(xEnd.wire.reduce((sum, data) => sum + data.byteLength, 0)).toBe(answered)
  })

  it('binds presence to the link that introduced a client id: no second link, nobody for this peer, no other link\'s peer id', () => {
    const [a, b, c] = [make('a'), make('b'), make('c')]
    const ab = linkLayers(a.layer, 'a', b.layer, 'b')
    const ac = linkLayers(a.layer, 'a', c.layer, 'c')
    flushAll([ab.xEnd, ab.yEnd, ac.xEnd, ac.yEnd])
    const cId = c.doc.clientID
    expect(a.awareness.getStates().get(cId)).toMatchObject({ user: { name: 'c' } })
    const mallory = { user: { name: 'Mallory', color: '#ff0000', colorLight: '#ff000033' } }
    raw(ab.yEnd, presence(cId, 999, mallory))
    raw(ab.yEnd, presence(a.doc.clientID, 999, mallory))
    raw(ab.yEnd, presence(5555, 1, { ...mallory, peerId: 'c' }))
    raw(ab.yEnd, presence(5556, 1, { user: mallory.user, pad: 'x'.repeat(MAX_PRESENCE_STATE_BYTES) }))
    flushAll([ab.yEnd])
    expect(a.awareness.getStates().get(cId)).toMatchObject({ user: { name: 'c' } })
    expect(a.awareness.getLocalState()).toMatchObject({ user: { name: 'a' } })
    expect(a.awareness.getStates().has(5555) || a.awareness.getStates().has(5556)).toBe(false)
    expect(Object.fromEntries(a.layer.dropped)).toEqual({
      "a presence state under another link's client id": 1,
      "a presence state under this peer's own id": 1,
      "a presence state claiming another link's peer id": 1,
      'an oversized presence state': 1,
    })
  })

  it("past a full mesh takes a direct link's state relayed by a neighbour, if it still names that link, and keeps it bound", () => {
    const [a, b, c] = [make('a', true), make('b'), make('c')]
    const ab = linkLayers(a.layer, 'a', b.layer, 'b')
    const ac = linkLayers(a.layer, 'a', c.layer, 'c')
    flushAll([ab.xEnd, ab.yEnd, ac.xEnd, ac.yEnd])
    const cId = c.doc.clientID
    const user = { name: 'c, moved on', color: '#112233', colorLight: '#11223333' }
    raw(ab.yEnd, presence(cId, 100, { user, peerId: 'c' }))
    raw(ab.yEnd, presence(cId, 101, { user: { ...user, name: 'Mallory' }, peerId: 'b' }))
    flushAll([ab.yEnd])
    expect(a.awareness.getStates().get(cId)).toMatchObject({ user: { name: 'c, moved on' }, peerId: 'c' })
    expect(a.layer.dropped.get("a presence state under another link's client id")).toBe(1)
  })

  it('takes at most its budget of people from one link', () => {
    const [a, b] = [make('a'), make('b')]
    const { xEnd, yEnd } = linkLayers(a.layer, 'a', b.layer, 'b')
    flushAll([xEnd, yEnd])
    const before = a.awareness.getStates().size
    for (let i = 0; i < MAX_PRESENCE_CLIENTS_PER_LINK + 50; i++) raw(yEnd, presence(10_000 + i, 1, { user: { name: `fake ${i}` } }))
    flushAll([yEnd])
    expect(a.awareness.getStates().size - before).toBe(MAX_PRESENCE_CLIENTS_PER_LINK - 1)
    expect(a.layer.dropped.get('more presence states than a link may introduce')).toBe(51)
  })

  it('closes a link whose peer does not read while what it must send piles up past the send budget', () => {
    const [a, b] = [make('a'), make('b')]
    const { xEnd, yEnd, xConn } = linkLayers(a.layer, 'a', b.layer, 'b')
    flushAll([xEnd, yEnd])
    // b stops reading: the channel's own buffer is full, so a's edits wait in memory.
    xEnd.bufferedAmount = 16 * 2 ** 20
    for (let i = 0; i < 40 && !xConn.destroyed; i++) a.doc.getText('content').insert(0, 'z'.repeat(2 ** 20))
    expect(xConn.destroyed).toBe(true)
    expect(a.layer.dropped.get("link closed: over the link's send queue budget")).toBe(1)
  })

  it('answers requests beyond the first only within the credit the link earned', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] })
    const [a, b] = [make('a'), make('b')]
    a.doc.getText('content').insert(0, 'x'.repeat(100_000))
    const { xEnd, yEnd } = linkLayers(a.layer, 'a', b.layer, 'b')
    flushAll([xEnd, yEnd])
    const joined = xEnd.bytesSent
    expect(joined).toBeGreaterThan(100_000)
    // 1,000 requests of 4 bytes earn 6 kB of answers: not enough for the 100 kB document, for a while.
    for (let i = 0; i < 1_000; i++) raw(yEnd, Uint8Array.of(0, 0, 1, 0))
    yEnd.flush()
    vi.advanceTimersByTime(2_000)
    expect(xEnd.bytesSent - joined).toBe(0)
    // The credit also grows with time, so an honest peer's request is answered in the end.
    vi.advanceTimersByTime(60_000)
    expect(xEnd.bytesSent - joined).toBeGreaterThan(100_000)
    expect(xEnd.bytesSent - joined).toBeLessThan(2 * 100_000)
  })

  it('in a v2 room takes no unsigned document traffic at all', () => {
    const doc = new Y.Doc()
    const awareness = new Awareness(doc)
    const signed = { receive: vi.fn(() => true), addLink: vi.fn(), removeLink: vi.fn(), hello: vi.fn(), isSynced: () => false, signingOwn: false }
    const layer = new MessageLayer({ doc, awareness, signed: signed as never, selfPeerId: () => 'a', relayTargets: () => 'all', relayedPresence: () => false, onChange: () => {} })
    peers.push({ doc, awareness, layer })
    const b = make('b')
    const { yEnd } = linkLayers(layer, 'a', b.layer, 'b')
    const scratch = new Y.Doc()
    scratch.getText('content').insert(0, 'unsigned')
    const encoder = encoding.createEncoder()
    encoding.writeVarUint(encoder, 0)
    encoding.writeVarUint(encoder, 2)
    encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(scratch))
    raw(yEnd, encoding.toUint8Array(encoder))
    raw(yEnd, Uint8Array.of(0x4d, 3))
    flushAll([yEnd])
    expect(doc.getText('content').toString()).toBe('')
    expect(layer.dropped.get('unsigned document traffic in a signed room')).toBeGreaterThanOrEqual(1)
    expect(signed.receive).toHaveBeenCalledWith('b', Uint8Array.of(0x4d, 3))
  })
})
