import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness'
import { guardPresence, safeUser } from './guardPresence'

/** What `someone` publishes, as this page receives it. */
function receive(into: Awareness, state: Record<string, unknown>): number {
  const sender = new Awareness(new Y.Doc())
  sender.setLocalState(state)
  applyAwarenessUpdate(into, encodeAwarenessUpdate(sender, [sender.clientID]), 'remote')
  return sender.clientID
}

describe('guardPresence', () => {
  it('replaces colors that are not #rrggbb before anyone reads them, and bounds names', () => {
    const awareness = new Awareness(new Y.Doc())
    const seen: unknown[] = []
    const stop = guardPresence(awareness)
    awareness.on('change', () => seen.push(...[...awareness.getStates().values()].map((state) => state.user)))
    const hostile = receive(awareness, {
      user: { name: 'x'.repeat(500), color: 'red; background-image: url(https://tracker.example/t)', colorLight: 'url(https://t.example)' },
    })
    const user = awareness.getStates().get(hostile)?.user as { name: string; color: string; colorLight: string }
    expect(user.color).toMatch(/^#[0-9a-f]{6}$/i)
    expect(user.colorLight).toBe(`${user.color}33`)
    expect(user.name).toHaveLength(40)
    expect(JSON.stringify(seen)).not.toContain('tracker.example')
    stop()
  })

  it('keeps a well-formed user as it is, and leaves this page’s own state alone', () => {
    const awareness = new Awareness(new Y.Doc())
    guardPresence(awareness)
    const good = { name: 'Ada', color: '#30a46c', colorLight: '#30a46c33' }
    const id = receive(awareness, { user: good })
    expect(awareness.getStates().get(id)?.user).toEqual(good)
    expect(safeUser(null)).toEqual({ name: 'Anonymous', color: expect.stringMatching(/^#/), colorLight: expect.stringMatching(/33$/) })
    expect(safeUser({ name: 42, color: '#12345' }).name).toBe('Anonymous')
  })
})
