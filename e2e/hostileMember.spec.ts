import type { Page } from '@playwright/test'
import * as Y from 'yjs'
import { expect, test } from './support/test.js'
import { debugInfo, editorText, openPeer, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'
import { captureDataChannels, sendRaw, varBytes, varUint } from './support/rawChannels.js'

/** Heap a page may grow by under one attack (the bound the project sets). */
const HEAP_BUDGET_BYTES = 64 * 2 ** 20

interface Identity {
  readonly peerId: string
  readonly clientId: number
  readonly name: string
}

async function identity(page: Page): Promise<Identity> {
  return page.evaluate(() => {
    const session = window.meshpad!.session
    const user = session.awareness.getLocalState()?.user as { name: string }
    return { peerId: session.debug().peerId!, clientId: session.doc.clientID, name: user.name }
  })
}

/** Waits until the document ends with `text` (the document is one long line: the editor shows only part of it). */
async function expectTextToEndWith(page: Page, text: string): Promise<void> {
  await expect.poll(async () => (await editorText(page)).slice(-200), { timeout: 15_000 }).toContain(text)
}

async function usedHeap(page: Page): Promise<number> {
  return page.evaluate(() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize)
}

/** Presence (y-protocols awareness, message type 1) for one client, as any peer may encode it. */
function presence(clientId: number, clock: number, state: object): number[] {
  return [1, ...varBytes([...varUint(1), ...varUint(clientId), ...varUint(clock), ...varBytes(JSON.stringify(state))])]
}

const MALLORY = { name: 'Mallory', color: '#ff0000', colorLight: '#ff000033' }

test("a reader who speaks raw bytes on its data channels cannot cut writers apart, flood them, write, or pose as someone", async ({ browser, server }) => {
  test.setTimeout(120_000)
  const a = await openPeer(browser, server.url)
  const editLink = a.page.url()
  const readFragment = await a.page.evaluate(() => window.meshpad!.session.access.readFragment)
  // A document of about 200 kB, which every whole-document answer carries.
  await a.page.evaluate(() => window.meshpad!.session.text.insert(0, 'Meshpad holds. '.repeat(14_000)))
  const c = await openPeer(browser, editLink)
  const attacker = await browser.newContext()
  await attacker.addInitScript(captureDataChannels)
  const b = await attacker.newPage()
  await b.goto(`${server.url}#${readFragment}`)
  for (const page of [a.page, b, c.page]) await waitForWebrtcPeers(page, 2)
  await typeAtEnd(a.page, 'Before.')
  for (const page of [b, c.page]) await expectTextToEndWith(page, 'Before.')
  const [idA, idC] = [await identity(a.page), await identity(c.page)]
  const heapBefore = await usedHeap(a.page)
  const droppedBefore = (await debugInfo(a.page)).dropped

  // An unsigned Yjs update (sync message type 0, kind 2) that would put text into the document.
  const scratch = new Y.Doc()
  scratch.getText('content').insert(0, 'UNSIGNED ')
  const unsigned = [0, 2, ...varBytes([...Y.encodeStateAsUpdate(scratch)])]
  const attack: number[][] = [
    // y-webrtc's BroadcastChannel "peer id" message (type 4, add): "C (or A) is one of your own tabs".
    [4, 1, ...varBytes(idC.peerId)],
    [4, 1, ...varBytes(idA.peerId)],
    unsigned,
    // Presence under C's client id (C renamed to Mallory), and a fake always-on peer.
    presence(idC.clientId, 1_000_000, { user: MALLORY, peerId: idC.peerId }),
    presence(424_242, 1, { user: { ...MALLORY, name: 'Always-on peer' }, alwaysOn: { sv: 'AA==', deletes: 'A'.repeat(43) + '=' } }),
  ]
  expect(await sendRaw(b, attack)).toBe(2)
  // "Send me your whole document", 12,000 times (signed sync `state` with an empty state vector).
  expect(await sendRaw(b, [[0x4d, 1, 0, 0]], 12_000)).toBe(2)

  // A read and dropped what it must not take; the text and the people stay as they were.
  const droppedOf = async (why: string): Promise<number> => ((await debugInfo(a.page)).dropped[why] ?? 0) - (droppedBefore[why] ?? 0)
  await expect.poll(() => droppedOf('a message of no type this peer reads'), { timeout: 20_000 }).toBe(2)
  await expect.poll(() => droppedOf('unsigned document traffic in a signed room')).toBe(1)
  await expect.poll(() => droppedOf("a presence state under another link's client id")).toBeGreaterThanOrEqual(1)
  for (const peer of [a.page, c.page]) expect((await editorText(peer)).includes('UNSIGNED')).toBe(false)
  const peopleOfA = a.page.getByRole('complementary', { name: 'People in this document' })
  await expect(peopleOfA.getByText(idC.name, { exact: true })).toBeVisible()
  await expect(peopleOfA.getByText('Mallory', { exact: true })).toHaveCount(0)
  await expect(peopleOfA.getByTestId('always-on')).toHaveCount(0)
  await expect(a.page.getByTestId('status-storage')).not.toContainText('always-on')
  const heapGrowth = (await usedHeap(a.page)) - heapBefore
  expect(heapGrowth).toBeLessThan(HEAP_BUDGET_BYTES)

  // The reader leaves; the writers are still linked to each other and keep editing both ways.
  await attacker.close()
  await typeAtEnd(a.page, ' After, from A.')
  await expectTextToEndWith(c.page, 'After, from A.')
  await typeAtEnd(c.page, ' And from C.')
  await expectTextToEndWith(a.page, 'After, from A. And from C.')
  expect(Object.keys((await debugInfo(a.page)).paths)).toContain(idC.peerId)
  // The reader's link goes down once ICE notices it left; C's stays.
  await expect.poll(async () => (await debugInfo(a.page)).webrtcConnected, { timeout: 40_000 }).toBe(1)
  console.log(`heap growth of the writer under attack: ${(heapGrowth / 2 ** 20).toFixed(1)} MiB`)
  await a.context.close()
  await c.context.close()
})
