// @vitest-environment node
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { waitFor } from '../../signaling/testing/conditions'
import { signingKeyPair, verifyKey } from '../room/roomSigning'
import type { SignedStoredState } from './alwaysOnClaim'
import { AlwaysOnClaims, type ClaimKeys } from './AlwaysOnClaims'
import { ALWAYS_ON_FIELD, storedStateOf } from './storedState'

const TOPIC = 'claims-topic'
const disposers: (() => void)[] = []
afterEach(() => {
  for (const dispose of disposers.splice(0)) dispose()
})

async function keys(seedByte: number, canSign: boolean): Promise<ClaimKeys> {
  const pair = await signingKeyPair(new Uint8Array(32).fill(seedByte))
  return { topic: TOPIC, verifyKey: verifyKey(pair.publicKey), signingKey: canSign ? Promise.resolve(pair.privateKey) : null }
}

/** An always-on peer's awareness and claims, and a browser's that receives its presence. */
function pair(peerKeys: ClaimKeys | null, browserKeys: ClaimKeys | null) {
  const peerDoc = new Y.Doc()
  const peer = new Awareness(peerDoc)
  const browser = new Awareness(new Y.Doc())
  const peerClaims = new AlwaysOnClaims(peer, peerKeys)
  const claims = new AlwaysOnClaims(browser, browserKeys)
  disposers.push(() => [peerClaims, claims].forEach((c) => c.destroy()), () => [peer, browser].forEach((a) => a.destroy()))
  /** Publishes `field` as the peer's claim and hands its presence to the browser. */
  const publish = (field: unknown): void => {
    peer.setLocalStateField(ALWAYS_ON_FIELD, field)
    applyAwarenessUpdate(browser, encodeAwarenessUpdate(peer, [peerDoc.clientID]), 'test')
  }
  return { peerClaims, claims, publish, clientId: peerDoc.clientID, stored: storedStateOf(peerDoc) }
}

describe('AlwaysOnClaims', () => {
  it("believes a claim signed with the room's edit key, and no other", async () => {
    const room = await keys(1, true)
    const reader = await keys(1, false)
    const { peerClaims, claims, publish, clientId, stored } = pair(room, reader)
    let changes = 0
    claims.onChange(() => changes++)

    publish(await peerClaims.claim(stored))
    await waitFor(() => changes === 1)
    expect(claims.isAlwaysOn(clientId)).toBe(true)

    // A reader's claim: unsigned.
    publish(stored)
    await waitFor(() => changes === 2)
    expect(claims.isAlwaysOn(clientId)).toBe(false)

    // Signed with another room's key, or tampered with.
    const other = pair(await keys(2, true), reader)
    const foreign = await other.peerClaims.claim(stored)
    publish(foreign)
    await waitFor(() => changes === 3)
    expect(claims.isAlwaysOn(clientId)).toBe(false)
    const signed = (await peerClaims.claim(stored)) as SignedStoredState
    publish({ ...signed, deletes: 'A'.repeat(43) + '=' })
    await waitFor(() => changes === 4)
    expect(claims.isAlwaysOn(clientId)).toBe(false)
  })

  it('believes every claim in a #SECRET room, where everyone holds the edit link', () => {
    const { claims, publish, clientId, stored } = pair(null, null)
    publish(stored)
    expect(claims.isAlwaysOn(clientId)).toBe(true)
  })
})
