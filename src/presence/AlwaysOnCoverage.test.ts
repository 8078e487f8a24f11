import { describe, expect, it } from 'vitest'
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { AlwaysOnCoverage } from './AlwaysOnCoverage'
import { ALWAYS_ON_FIELD, storedStateOf } from './storedState'

describe('AlwaysOnCoverage', () => {
  it('counts an always-on peer as keeping this copy only while what it published covers it', async () => {
    const browser = new Y.Doc()
    const peer = new Y.Doc()
    const browserAwareness = new Awareness(browser)
    const peerAwareness = new Awareness(peer)
    const publish = (): void => {
      Y.applyUpdate(peer, Y.encodeStateAsUpdate(browser))
      peerAwareness.setLocalStateField(ALWAYS_ON_FIELD, storedStateOf(peer))
      applyAwarenessUpdate(browserAwareness, encodeAwarenessUpdate(peerAwareness, [peer.clientID]), 'peer')
    }
    const coverage = new AlwaysOnCoverage(browser, browserAwareness)
    let changes = 0
    coverage.onChange(() => changes++)
    expect(coverage.coverage).toEqual({ alwaysOn: 0, keeping: 0 })

    browser.getText('content').insert(0, 'Ana')
    publish()
    await expect.poll(() => coverage.coverage).toEqual({ alwaysOn: 1, keeping: 1 })

    browser.getText('content').delete(0, 1)
    await expect.poll(() => coverage.coverage).toEqual({ alwaysOn: 1, keeping: 0 })
    publish()
    await expect.poll(() => coverage.coverage).toEqual({ alwaysOn: 1, keeping: 1 })
    expect(changes).toBe(3)

    coverage.destroy()
    coverage.destroy()
    browser.getText('content').insert(0, 'after')
    // A recompute is scheduled with setTimeout(0); one such tick is when it would have run.
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(coverage.coverage.keeping).toBe(1)
    browserAwareness.destroy()
    peerAwareness.destroy()
  })
})
