import { expect, test } from './support/test.js'
import type { Page } from '@playwright/test'
import { captureDataChannels } from './support/rawChannels.js'
import { EDITOR, editorText, expectDocumentText, expectTextBothWays, expectWebrtcPath, openPeer, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

const READ_LINK = /#r1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/

/**
 * The tampered reader writes into its own document, and sends that change on every data channel
 * as a signed update with a forged (zero) signature.
 */
async function injectForgedUpdate(page: Page, text: string): Promise<number> {
  return page.evaluate((inserted) => {
    const session = window.meshpad?.session
    if (!session) throw new Error('no session')
    let update: Uint8Array | null = null
    const capture = (bytes: Uint8Array): void => {
      update = bytes
    }
    session.doc.on('update', capture)
    session.text.insert(0, inserted)
    session.doc.off('update', capture)
    if (update === null) throw new Error('the insertion produced no update')
    const body = update as Uint8Array
    const forged = new Uint8Array(2 + 64 + body.length)
    forged.set([0x4d, 2])
    forged.set(body, 66)
    const channels = (window as unknown as { capturedChannels: RTCDataChannel[] }).capturedChannels
    let sent = 0
    for (const channel of channels) {
      if (channel.readyState !== 'open') continue
      // The raw channel: the message layer's own `send` is not reachable from a page.
      RTCDataChannel.prototype.send.call(channel, forged)
      sent++
    }
    return sent
  }, text)
}

/** The reader's stored signed log (y-indexeddb's `custom` store of the room's database), as text. */
async function storedSignedLog(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const topic = window.meshpad?.session.topic
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(`meshpad-${topic}`)
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })
    try {
      const value = await new Promise<unknown>((resolve, reject) => {
        const request = db.transaction('custom').objectStore('custom').get('meshpad/v2/signed-log')
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error)
      })
      return value instanceof ArrayBuffer ? new TextDecoder().decode(value) : ''
    } finally {
      db.close()
    }
  })
}

test('a read-only link follows live, cannot edit, and a tampered reader reaches nobody', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  await a.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await expect(a.page).toHaveURL(/#e1\.[A-Za-z0-9_-]{43}$/)
  const editLink = a.page.url()
  await a.page.getByRole('button', { name: 'Copy read-only link' }).click()
  await expect(a.page.getByText('Read-only link copied')).toBeVisible()
  const readLink = await a.page.evaluate(() => navigator.clipboard.readText())
  expect(readLink).toMatch(READ_LINK)
  expect(readLink).not.toContain(new URL(editLink).hash.slice(4))

  await typeAtEnd(a.page, 'Hello from A.')
  await a.page.getByLabel('Document title').fill('Plans')

  // B: a tampered reader (its data channels captured); C: an honest reader. Each its own context.
  const tampered = await browser.newContext()
  await tampered.addInitScript(captureDataChannels)
  const bPage = await tampered.newPage()
  await bPage.goto(readLink)
  await bPage.locator(EDITOR).waitFor()
  const b = { context: tampered, page: bPage }
  const c = await openPeer(browser, readLink)
  for (const peer of [a, b, c]) await waitForWebrtcPeers(peer.page, 2)

  // The reader's page is plainly read-only, and gets the document over WebRTC.
  for (const reader of [b, c]) {
    await expectDocumentText(reader.page, 'Hello from A.')
    await expect(reader.page.getByTestId('read-only-mark')).toHaveText('Read-only')
    await expect(reader.page.getByLabel('Document title')).toHaveValue('Plans')
    await expect(reader.page.getByLabel('Document title')).toBeDisabled()
    await expect(reader.page.getByLabel('Language')).toBeDisabled()
    await expect(reader.page.locator(EDITOR)).toHaveAttribute('contenteditable', 'false')
    await expectWebrtcPath(reader.page, 2)
    await expect(reader.page.getByTestId('status-peers')).toHaveText('Synced with 2 peers')
  }
  await expect(a.page.getByTestId('read-only-mark')).toHaveCount(0)

  // A types; both readers see it live.
  await typeAtEnd(a.page, ' Live.')
  await expectDocumentText(b.page, 'Hello from A. Live.')
  await expectDocumentText(c.page, 'Hello from A. Live.')

  // B types into its read-only editor: nothing changes anywhere.
  await typeAtEnd(b.page, 'typed by B')
  expect(await editorText(b.page)).toBe('Hello from A. Live.')

  // B's page is tampered with: its editor forced editable, typed into; then a Yjs update injected
  // into its document and sent to both peers with a forged signature.
  await b.page.locator(EDITOR).evaluate((element) => element.setAttribute('contenteditable', 'true'))
  await b.page.locator(EDITOR).click()
  await b.page.keyboard.type('FORCED')
  expect(await injectForgedUpdate(b.page, 'INJECTED ')).toBe(2)
  await expect.poll(() => editorText(b.page)).toContain('INJECTED')

  // A and C received it (they count it), and show none of it.
  for (const peer of [a, c]) {
    await expect(peer.page.getByTestId('status-ignored')).toHaveText('Ignored 1 change from someone without edit rights')
  }
  await typeAtEnd(a.page, ' After.')
  for (const peer of [a, c]) await expectDocumentText(peer.page, 'Hello from A. Live. After.')
  for (const peer of [a, c]) {
    const text = await editorText(peer.page)
    expect(text).not.toContain('INJECTED')
    expect(text).not.toContain('FORCED')
    expect(text).not.toContain('typed by B')
  }

  // "Make a copy" gives the reader an editable copy of its own, under a new edit link.
  await c.page.getByRole('button', { name: 'My documents' }).click()
  await c.page.getByRole('button', { name: 'Make a copy' }).click()
  await expect(c.page).toHaveURL(/#e1\.[A-Za-z0-9_-]{43}$/)
  await expectDocumentText(c.page, 'Hello from A. Live. After.')
  await expect(c.page.getByTestId('read-only-mark')).toHaveCount(0)
  await typeAtEnd(c.page, ' Mine.')
  await expectDocumentText(c.page, 'Hello from A. Live. After. Mine.')
  await expectDocumentText(a.page, 'Hello from A. Live. After.')

  // The writer leaves; reader B reloads. B's signed log is stored with its copy, so B alone
  // serves a newcomer D the document, signatures and all.
  // One insertion (typing sends a character at a time), so its text shows in the stored bytes.
  await a.page.evaluate(() => window.meshpad?.session.text.insert(window.meshpad.session.text.length, ' Stored.'))
  // B's tampered page still shows its injected text; the reload drops it (it was never stored).
  await expect.poll(() => editorText(b.page)).toContain('After. Stored.')
  await a.context.close()
  await expect.poll(() => storedSignedLog(b.page)).toContain('Stored.')
  await b.page.reload()
  await b.page.locator(EDITOR).waitFor()
  await expectDocumentText(b.page, 'Hello from A. Live. After. Stored.')
  const d = await openPeer(browser, readLink)
  await waitForWebrtcPeers(d.page, 1)
  await expectWebrtcPath(d.page, 1)
  await expectDocumentText(d.page, 'Hello from A. Live. After. Stored.')
  await expect(d.page.getByTestId('status-ignored')).toHaveCount(0)

  for (const peer of [b, c, d]) await peer.context.close()
})

test('an old #SECRET link still edits, and its room moves to a new link for a read-only one', async ({ browser, server }) => {
  const oldLink = `${server.url}#x4Jb9-QmZ0k2_fTgW1aA2w`
  const a = await openPeer(browser, oldLink)
  await a.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  const b = await openPeer(browser, oldLink)
  await waitForWebrtcPeers(a.page, 1)
  await waitForWebrtcPeers(b.page, 1)
  await expectTextBothWays(a.page, b.page, 'Old room. ', 'Still edits.')
  await expect(b.page.getByTestId('read-only-mark')).toHaveCount(0)
  await expectWebrtcPath(b.page, 1)
  expect(a.page.url()).toBe(oldLink)

  // The read-only link needs a move: it is explained first; cancelling changes nothing.
  await a.page.getByRole('button', { name: 'Copy read-only link' }).click()
  const dialog = a.page.getByRole('dialog', { name: /read-only/ })
  await expect(dialog).toContainText('moves it to a new link')
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  expect(a.page.url()).toBe(oldLink)

  await a.page.getByRole('button', { name: 'Copy read-only link' }).click()
  await a.page.getByRole('dialog', { name: /read-only/ }).getByRole('button', { name: 'Move to a new link' }).click()
  await expect(a.page).toHaveURL(/#e1\.[A-Za-z0-9_-]{43}$/)
  await expect(a.page.getByText('Read-only link copied')).toBeVisible()
  const readLink = await a.page.evaluate(() => navigator.clipboard.readText())
  expect(readLink).toMatch(READ_LINK)
  await expectDocumentText(a.page, 'Old room. Still edits.')

  // The moved document is readable through its read-only link.
  const c = await openPeer(browser, readLink)
  await waitForWebrtcPeers(c.page, 1)
  await expectDocumentText(c.page, 'Old room. Still edits.')
  await expect(c.page.getByTestId('read-only-mark')).toBeVisible()

  // A damaged link pasted into an open page: the open document and its address stay, a notice says why.
  const editLink = a.page.url()
  await a.page.evaluate(() => void (window.location.hash = '#e1.cut-short'))
  await expect(a.page.getByRole('status').filter({ hasText: 'This edit link is damaged' })).toBeVisible()
  await expect(a.page).toHaveURL(editLink)
  await expectDocumentText(a.page, 'Old room. Still edits.')

  // A damaged read-only link on a first visit: a clear error, and nothing opened or stored.
  const fresh = await browser.newContext()
  const page = await fresh.newPage()
  const sockets: string[] = []
  page.on('websocket', (socket) => sockets.push(socket.url()))
  await page.goto(`${server.url}#r1.cut-short`)
  await expect(page.getByTestId('link-problem')).toContainText('This read-only link is damaged')
  await expect(page.getByTestId('link-problem')).toContainText('Copy the whole link again')
  await expect(page.locator(EDITOR)).toHaveCount(0)
  expect(await page.evaluate(async () => (await indexedDB.databases()).map((db) => db.name))).toEqual([])
  expect(sockets).toEqual([])

  for (const context of [a.context, b.context, c.context, fresh]) await context.close()
})

test('between tabs of one browser, a tampered read-only tab cannot write into an editing tab', async ({ browser, server }) => {
  const context = await browser.newContext()
  const writer = await context.newPage()
  await writer.goto(server.url)
  await writer.locator(EDITOR).waitFor()
  await writer.context().grantPermissions(['clipboard-read', 'clipboard-write'])
  await writer.getByRole('button', { name: 'Copy read-only link' }).click()
  await expect(writer.getByText('Read-only link copied')).toBeVisible()
  const readLink = await writer.evaluate(() => navigator.clipboard.readText())
  const reader = await context.newPage()
  await reader.goto(readLink)
  await reader.locator(EDITOR).waitFor()

  await typeAtEnd(writer, 'Written in tab one.')
  await expectDocumentText(reader, 'Written in tab one.')

  // The reader tab sends a forged update on the tabs' BroadcastChannel.
  await reader.evaluate(() => {
    const session = window.meshpad?.session
    if (!session) throw new Error('no session')
    let update: Uint8Array | null = null
    const capture = (bytes: Uint8Array): void => void (update = bytes)
    session.doc.on('update', capture)
    session.text.insert(0, 'TAB-INJECTED ')
    session.doc.off('update', capture)
    const body = update as unknown as Uint8Array
    const forged = new Uint8Array(66 + body.length)
    forged.set([0x4d, 2])
    forged.set(body, 66)
    const channel = new BroadcastChannel(`meshpad/v2/tabs/${session.topic}`)
    channel.postMessage(forged)
    channel.close()
  })
  await expect(writer.getByTestId('status-ignored')).toHaveText('Ignored 1 change from someone without edit rights')
  await typeAtEnd(writer, ' Again.')
  await expectDocumentText(writer, 'Written in tab one. Again.')
  await expect.poll(() => editorText(reader)).toContain('Again.')
  await context.close()
})
