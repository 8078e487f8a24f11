// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type * as Y from 'yjs'
import { waitFor } from '../../signaling/testing/conditions'
import { userWithColor } from '../presence/userIdentity'
import { createEditFragment, parseRoomAccess } from '../room/roomAccess'
import { roomSigning } from '../room/roomSigning'
import { MemoryCopy } from '../storage/MemoryCopy'
import { openNodeSession } from './nodeSession'
import { nodePeerRoomForTests } from './testing/nodePeerRoomForTests'

const signaling = nodePeerRoomForTests()

describe('a read-only session', () => {
  it('follows writers, stores only signed changes, and sends nothing of its own', async () => {
    const edit = createEditFragment()
    const read = await (roomSigning(parseRoomAccess(edit)) as NonNullable<ReturnType<typeof roomSigning>>).readFragment
    const origin = `http://127.0.0.1:${signaling.port()}/`
    const writer = await signaling.startPeer(`${origin}#${edit}`, 'Signed text.')

    let stored: Y.Doc | null = null
    const session = openNodeSession(
      { secret: read, signaling: [`ws://127.0.0.1:${signaling.port()}/signaling`], origin: '' },
      {
        user: userWithColor('Reader', '#123456'),
        storage: (_topic, doc) => {
          stored = doc
          return new MemoryCopy()
        },
      },
    )
    try {
      expect(session.access).toMatchObject({ version: 2, canEdit: false })
      await waitFor(() => session.text.toString() === 'Signed text.', 30_000)
      await waitFor(() => session.status.syncedPeers === 1)

      // A tampered reader writes into its document: it shows there, and nowhere else.
      session.text.insert(0, 'INJECTED ')
      expect(session.text.toString()).toBe('INJECTED Signed text.')
      const storedText = (): string => (stored as Y.Doc | null)?.getText('content').toString() ?? ''
      expect(storedText()).toBe('Signed text.')

      // Another reader and a second writer join; the writers' text reaches everyone, the
      // injected text no one.
      const otherReader = await signaling.startPeer(`${origin}#${read}`, '')
      const second = await signaling.startPeer(`${origin}#${edit}`, ' More.')
      for (const peer of [writer, otherReader, second]) {
        const text = await peer.waitForText((value) => value.includes('Signed text.') && value.includes('More.'), 30_000)
        expect(text).not.toContain('INJECTED')
      }
      await waitFor(() => storedText().includes('More.'))
      expect(storedText()).not.toContain('INJECTED')
      expect(session.status.ignoredChanges).toBe(0)
    } finally {
      session.destroy()
    }
  }, 90_000)
})
