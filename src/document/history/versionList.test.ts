import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { afterEach, describe, expect, it } from 'vitest'
import { ShuffledMesh } from './testing/ShuffledMesh'
import { clientNames, listVersions, recordVersion, versionSnapshot, versionsArray } from './versionList'
import { rebuildVersion, versionText } from './versionText'
import { deleteSetDifference } from './deleteSetDifference'

let net: ShuffledMesh | null = null
afterEach(() => {
  net?.destroy()
  net = null
})

const ids = (doc: Y.Doc): string[] => listVersions(doc).map((version) => version.id)
const textOf = (doc: Y.Doc): string => doc.getText('content').toString()

describe('versions in the shared document', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`rebuild exactly what their recorder had, on every peer (seed ${seed})`, () => {
      // Peer 3 runs an older build (gc on): it merges, and lists the same versions.
      net = new ShuffledMesh(prng.create(seed), [false, false, false, true])
      const { rng, docs } = net
      const recorded = new Map<string, string>()
      for (let round = 0; round < 40; round++) {
        for (let k = 0; k < 6; k++) net.edit(prng.int32(rng, 0, 3))
        net.deliver(prng.int32(rng, 0, net.pending))
        if (round % 3 === 0) {
          const peer = prng.int32(rng, 0, 2)
          const doc = docs[peer] as Y.Doc
          recorded.set(recordVersion(doc, { by: `peer ${peer}`, authors: [`peer ${peer}`], kind: 'manual', label: `r${round}` }), textOf(doc))
        }
        if (round === 10) net.disconnect(1)
        if (round === 25) net.reconnect(1)
      }
      net.flush()
      const [first, ...others] = docs as [Y.Doc, ...Y.Doc[]]
      for (const doc of others) {
        expect(textOf(doc)).toBe(textOf(first))
        expect(ids(doc)).toEqual(ids(first))
      }
      expect(ids(first).length).toBe(recorded.size)
      for (const doc of docs.slice(0, 3)) {
        const versions = listVersions(doc)
        for (const version of versions) {
          expect(versionText(doc, versionSnapshot(versions, version))).toBe(recorded.get(version.id))
        }
      }
    })
  }

  it('store only the deletions since the version before', () => {
    const doc = new Y.Doc({ gc: false })
    const text = doc.getText('content')
    text.insert(0, 'hello brave new world')
    text.delete(5, 6)
    recordVersion(doc, { by: 'a', authors: ['a'], kind: 'auto' })
    text.delete(0, 1)
    recordVersion(doc, { by: 'a', authors: ['a'], kind: 'auto' })
    const [first, second] = listVersions(doc)
    expect(first?.base).toBeNull()
    expect(second?.base).toBe(first?.id)
    const deleted = (ds: Y.Snapshot['ds']): number => [...ds.clients.values()].flat().reduce((sum, range) => sum + range.len, 0)
    expect(deleted(first!.delta.ds)).toBe(6)
    expect(deleted(second!.delta.ds)).toBe(1)
    expect(versionText(doc, versionSnapshot(listVersions(doc), second!))).toBe('ello new world')
    expect(versionText(doc, versionSnapshot(listVersions(doc), first!))).toBe('hello new world')
  })

  it('keep a label, the authors and the time', () => {
    const doc = new Y.Doc({ gc: false })
    doc.getText('content').insert(0, 'x')
    recordVersion(doc, { by: 'Ada', authors: ['Ada', 'Ada', 'Bob'], kind: 'manual', label: '  Draft 1 ', time: 1234 })
    expect(listVersions(doc)[0]).toMatchObject({ by: 'Ada', authors: ['Ada', 'Bob'], label: 'Draft 1', time: 1234, kind: 'manual' })
    expect(versionsArray(doc).length).toBe(1)
  })
})

describe('rebuildVersion', () => {
  it('says who typed each part, by client, with names from the versions', () => {
    net = new ShuffledMesh(prng.create(9), [false, false])
    const [a, b] = net.docs as [Y.Doc, Y.Doc]
    a.getText('content').insert(0, 'Hello ')
    net.flush()
    b.getText('content').insert(6, 'world')
    net.flush()
    a.getText('content').insert(11, '!')
    net.flush()
    recordVersion(b, { by: 'Bo', authors: ['Ann', 'Bo'], clients: [[a.clientID, 'Ann'], [b.clientID, 'Bo']], kind: 'manual' })
    net.flush()
    const versions = listVersions(a)
    const rebuilt = rebuildVersion(a, versionSnapshot(versions, versions[0]!))
    expect(rebuilt.text).toBe('Hello world!')
    const names = clientNames(versions)
    expect(rebuilt.spans.map(({ from, to, client }) => [rebuilt.text.slice(from, to), names.get(client)])).toEqual([
      ['Hello ', 'Ann'],
      ['world', 'Bo'],
      ['!', 'Ann'],
    ])
  })
})

describe('deleteSetDifference', () => {
  it('matches a clock-by-clock difference', () => {
    const rng = prng.create(7)
    const randomSet = (): Y.Snapshot['ds'] => {
      const doc = new Y.Doc({ gc: false })
      doc.clientID = 1
      const text = doc.getText('content')
      text.insert(0, 'x'.repeat(200))
      for (let i = 0; i < 30; i++) {
        const at = prng.int32(rng, 0, text.length - 1)
        text.delete(at, Math.min(prng.int32(rng, 1, 9), text.length - at))
      }
      return Y.snapshot(doc).ds
    }
    const clocks = (ds: Y.Snapshot['ds']): Set<number> => new Set((ds.clients.get(1) ?? []).flatMap(({ clock, len }) => Array.from({ length: len }, (_, i) => clock + i)))
    for (let round = 0; round < 50; round++) {
      const a = randomSet()
      const b = randomSet()
      const expected = [...clocks(a)].filter((clock) => !clocks(b).has(clock)).sort((x, y) => x - y)
      expect([...clocks(deleteSetDifference(a, b))].sort((x, y) => x - y)).toEqual(expected)
    }
  })
})
