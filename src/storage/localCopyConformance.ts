import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { LocalCopy, StorageState } from './localCopy'

/** One implementation of {@link LocalCopy}, as the conformance suite drives it. */
export interface LocalCopyBackend {
  /** Opens the copy of the room `topic` into `doc`. */
  open(topic: string, doc: Y.Doc): LocalCopy
  /**
   * For a copy that keeps the document beyond its own life: closes the storage and opens it again,
   * as a restart of the browser or process would. The suite destroys every copy it opened first.
   */
  restart?(): Promise<void>
  /** Releases what the backend holds (called after each test). */
  close(): Promise<void>
}

let nextTopic = 0
/** A topic no other test of this run uses (storage such as fake-indexeddb lives as long as the process). */
const freshTopic = (): string => `conformance-${process.pid}-${nextTopic++}`

/** How many `update` listeners the doc has (to see a copy stop observing it). */
const updateListeners = (doc: Y.Doc): number => (doc as unknown as { _observers: Map<string, Set<unknown>> })._observers.get('update')?.size ?? 0

/**
 * The {@link LocalCopy} contract, one suite run against every implementation (IndexedDB, LevelDB,
 * memory). `start` makes a fresh backend for each test. A `durable` copy keeps the document beyond
 * its own life (its backend can `restart`): the cases about reading back what was written, saying
 * `saving` while a write is pending and the signed log apply to it; a copy that keeps nothing
 * (memory) meets the rest.
 */
export function describeLocalCopy(name: string, start: () => Promise<LocalCopyBackend>, { durable }: { durable: boolean }): void {
  describe(`LocalCopy contract: ${name}`, () => {
    let backend: LocalCopyBackend
    let opened: LocalCopy[]

    beforeEach(async () => {
      backend = await start()
      opened = []
    })

    afterEach(async () => {
      await Promise.all(opened.map((copy) => copy.destroy()))
      await backend.close()
    })

    function open(topic: string, doc = new Y.Doc()): { doc: Y.Doc; copy: LocalCopy; states: StorageState[] } {
      const copy = backend.open(topic, doc)
      opened.push(copy)
      const states: StorageState[] = []
      copy.onChange(() => states.push(copy.state))
      return { doc, copy, states }
    }

    /** Destroys every copy opened so far, then restarts the storage. */
    async function restart(): Promise<void> {
      if (backend.restart === undefined) throw new Error(`${name} keeps nothing across a restart`)
      await Promise.all(opened.map((copy) => copy.destroy()))
      await backend.restart()
    }

    it('loads, and is saved with no error while nothing is pending', async () => {
      const { copy } = open(freshTopic())
      await copy.whenLoaded
      await copy.whenSaved()
      expect(copy.state).toBe('saved')
      expect(copy.error).toBeNull()
    })

    it('resolves whenSaved once every edit so far is written, then says saved', async () => {
      const { doc, copy } = open(freshTopic())
      await copy.whenLoaded
      const text = doc.getText('content')
      for (const word of ['one ', 'two ', 'three']) {
        text.insert(text.length, word)
        expect(['saving', 'saved']).toContain(copy.state)
        await copy.whenSaved()
        expect(copy.state).toBe('saved')
      }
      expect(copy.error).toBeNull()
    })

    it('tells its listeners of every change of state, and no more once unsubscribed', async () => {
      const { doc, copy } = open(freshTopic())
      await copy.whenLoaded
      await copy.whenSaved()
      const seen: StorageState[] = []
      const unsubscribe = copy.onChange(() => seen.push(copy.state))
      doc.getText('content').insert(0, 'a')
      await copy.whenSaved()
      // Each call reports a change: no state twice in a row, and the last is the current one.
      expect(seen.every((state, i) => i === 0 || state !== seen[i - 1])).toBe(true)
      expect(seen.at(-1) ?? copy.state).toBe(copy.state)
      unsubscribe()
      const heard = seen.length
      doc.getText('content').insert(0, 'b')
      await copy.whenSaved()
      expect(seen.length).toBe(heard)
    })

    it('stops observing the doc when destroyed, and destroy is idempotent', async () => {
      const doc = new Y.Doc()
      const before = updateListeners(doc)
      const { copy } = open(freshTopic(), doc)
      await copy.whenLoaded
      doc.getText('content').insert(0, 'x')
      const first = copy.destroy()
      const second = copy.destroy()
      await Promise.all([first, second])
      await copy.destroy()
      expect(updateListeners(doc)).toBe(before)
      // The doc stays usable: the copy never owned it.
      doc.getText('content').insert(1, 'y')
      expect(doc.getText('content').toString()).toBe('xy')
    })

    if (!durable) return

    it('reads back after a restart what it said was saved', async () => {
      const topic = freshTopic()
      const { doc, copy } = open(topic)
      doc.getText('content').insert(0, 'hello from Ana')
      doc.getMap('meta').set('title', 'Notes')
      await copy.whenSaved()
      await restart()
      const again = open(topic)
      await again.copy.whenLoaded
      expect(again.doc.getText('content').toString()).toBe('hello from Ana')
      expect(again.doc.getMap('meta').get('title')).toBe('Notes')
      await again.copy.whenSaved()
      expect(again.copy.state).toBe('saved')
    })

    it('says saving after an edit until it is written', async () => {
      const { doc, copy, states } = open(freshTopic())
      await copy.whenLoaded
      await copy.whenSaved()
      doc.getText('content').insert(0, 'pending')
      expect(copy.state).toBe('saving')
      await copy.whenSaved()
      expect(states.slice(-2)).toEqual(['saving', 'saved'])
    })

    it('writes what is pending when destroyed in the same task as the edit', async () => {
      const topic = freshTopic()
      const { doc, copy } = open(topic)
      await copy.whenLoaded
      doc.getText('content').insert(0, 'last words')
      await copy.destroy()
      await restart()
      const again = open(topic)
      await again.copy.whenLoaded
      expect(again.doc.getText('content').toString()).toBe('last words')
    })

    it('keeps edits made while the stored copy loads', async () => {
      const topic = freshTopic()
      const first = open(topic)
      first.doc.getText('content').insert(0, 'stored ')
      await first.copy.whenSaved()
      await restart()
      const { doc, copy } = open(topic)
      doc.getText('content').insert(0, 'early ')
      await copy.whenLoaded
      doc.getText('content').insert(doc.getText('content').length, 'and late')
      await copy.whenSaved()
      await restart()
      const again = open(topic)
      await again.copy.whenLoaded
      expect(again.doc.getText('content').toString()).toBe(doc.getText('content').toString())
      expect(again.doc.getText('content').toString()).toMatch(/^(early stored |stored early )and late$/)
    })

    it('keeps rooms apart, by topic', async () => {
      const [topicA, topicB] = [freshTopic(), freshTopic()]
      const a = open(topicA)
      const b = open(topicB)
      a.doc.getText('content').insert(0, 'A')
      b.doc.getText('content').insert(0, 'B')
      await Promise.all([a.copy.whenSaved(), b.copy.whenSaved()])
      await restart()
      const readA = open(topicA)
      const readB = open(topicB)
      await Promise.all([readA.copy.whenLoaded, readB.copy.whenLoaded])
      expect(readA.doc.getText('content').toString()).toBe('A')
      expect(readB.doc.getText('content').toString()).toBe('B')
    })

    it("keeps a reader's signed log beside the document across a restart", async () => {
      const topic = freshTopic()
      const { copy } = open(topic)
      const log = copy.signedLog
      if (log === undefined) throw new Error(`${name} keeps no signed log`)
      expect(await log.load()).toEqual([])
      const messages = [Uint8Array.of(0x4d, 2, 1, 2, 3), Uint8Array.of(0x4d, 2, 9)]
      await log.save(messages)
      await restart()
      const again = open(topic).copy.signedLog
      expect(await again?.load()).toEqual(messages)
    })
  })
}
