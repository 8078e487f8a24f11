import { expect, test } from './support/test.js'
import type { Page } from '@playwright/test'
import { comment } from './support/comments.js'
import { captureDataChannels } from './support/rawChannels.js'
import { EDITOR, editorText, expectDocumentText, openPeer, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

const COMMENT_LINK = /#c1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/

/**
 * What a tampered page can do at most with the key its link holds: make a change in its own
 * document, sign that change as a comment (the comment seed is in the link; a page with a
 * read-only link signs with a key of its own making), and send it on every data channel.
 */
async function sendSignedAsComment(page: Page, change: 'text' | 'record', key: 'link' | 'own'): Promise<number> {
  return page.evaluate(
    async ({ change, key }) => {
      const session = window.meshpad?.session
      if (!session) throw new Error('no session')
      let update: Uint8Array | null = null
      const capture = (bytes: Uint8Array): void => void (update = bytes)
      session.doc.on('update', capture)
      if (change === 'text') session.text.insert(0, 'INJECTED ')
      else session.doc.getArray('comments').push([{ kind: 'probe', text: 'through the comment key' }])
      session.doc.off('update', capture)
      if (update === null) throw new Error('the change produced no update')
      const body: Uint8Array = update
      const seedText = key === 'link' ? (location.hash.split('.')[3] ?? '') : ''
      const seed =
        key === 'link'
          ? Uint8Array.from(atob(seedText.replace(/-/g, '+').replace(/_/g, '/') + '='), (char) => char.charCodeAt(0))
          : crypto.getRandomValues(new Uint8Array(32))
      const pkcs8 = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20, ...seed)
      const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign'])
      const prefix = new TextEncoder().encode(`meshpad/v2/comment\0${session.topic}\0`)
      const signed = new Uint8Array(prefix.length + body.length)
      signed.set(prefix)
      signed.set(body, prefix.length)
      const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, signed))
      const message = new Uint8Array(2 + 64 + body.length)
      message.set([0x4d, 5])
      message.set(signature, 2)
      message.set(body, 66)
      let sent = 0
      for (const channel of (window as unknown as { capturedChannels: RTCDataChannel[] }).capturedChannels) {
        if (channel.readyState !== 'open') continue
        RTCDataChannel.prototype.send.call(channel, message)
        sent++
      }
      return sent
    },
    { change, key },
  )
}

const records = (page: Page): Promise<unknown[]> => page.evaluate(() => window.meshpad?.session.doc.getArray('comments').toArray() ?? [])

test('a comment link reads and comments; its tampered page changes no text anywhere, and a reader adds no comment', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  await a.context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await a.page.getByRole('button', { name: 'Copy comment link' }).click()
  await expect(a.page.getByText('Comment link copied')).toBeVisible()
  const commentLink = await a.page.evaluate(() => navigator.clipboard.readText())
  expect(commentLink).toMatch(COMMENT_LINK)
  await a.page.getByRole('button', { name: 'Copy read-only link' }).click()
  const readLink = await a.page.evaluate(() => navigator.clipboard.readText())
  await typeAtEnd(a.page, 'Draft by A.')

  // C: a comment-link holder whose page is tampered with; R: a tampered reader.
  const pages: Page[] = []
  for (const link of [commentLink, readLink]) {
    const context = await browser.newContext()
    await context.addInitScript(captureDataChannels)
    const page = await context.newPage()
    await page.goto(link)
    await page.locator(EDITOR).waitFor()
    pages.push(page)
  }
  const [c, r] = pages as [Page, Page]
  for (const page of [a.page, c, r]) await waitForWebrtcPeers(page, 2)
  for (const page of [c, r]) await expectDocumentText(page, 'Draft by A.')
  await expect(c.getByTestId('read-only-mark')).toHaveText('Can comment')
  await expect(c.locator(EDITOR)).toHaveAttribute('contenteditable', 'false')
  await expect(c.getByRole('button', { name: 'Copy comment link' })).toHaveCount(0)

  // A comment record signed with the comment key: taken by both (the reader checks it with the key A published).
  expect(await sendSignedAsComment(c, 'record', 'link')).toBe(2)
  for (const page of [a.page, r]) await expect.poll(() => records(page)).toEqual([{ kind: 'probe', text: 'through the comment key' }])
  // A text change signed with the same key: refused by the writer and the reader.
  expect(await sendSignedAsComment(c, 'text', 'link')).toBe(2)
  for (const page of [a.page, r]) {
    await expect(page.getByTestId('status-ignored')).toHaveText('Ignored 1 change from someone without edit rights')
  }

  // The reader's own comment, signed with a key of its own making: refused.
  expect(await sendSignedAsComment(r, 'record', 'own')).toBe(2)
  await expect(a.page.getByTestId('status-ignored')).toHaveText('Ignored 2 changes from someone without edit rights')
  await expect.poll(() => records(a.page)).toHaveLength(1)

  await typeAtEnd(a.page, ' Fixed.')
  for (const page of [a.page, r]) await expectDocumentText(page, 'Draft by A. Fixed.')
  expect(await editorText(a.page)).not.toContain('INJECTED')

  // Through the page as shipped: the comment link's page comments on A's words; writer and reader
  // see the thread. The reader has no way to add one.
  await expect(r.getByRole('button', { name: 'Comment', exact: true })).toHaveCount(0)
  await comment(c, 'Fixed', 'Is it, though?')
  for (const page of [a.page, r]) {
    const toggle = page.getByRole('button', { name: /^Comments/ })
    await expect(toggle).toHaveText(/1/)
    await toggle.click()
    const thread = page.getByTestId('comment-thread')
    await expect(thread).toHaveCount(1)
    await expect(thread).toContainText('“Fixed”')
    await expect(thread).toContainText('Is it, though?')
  }
  await expect(a.page.getByTestId('status-ignored')).toHaveText('Ignored 2 changes from someone without edit rights')
  await expectDocumentText(a.page, 'Draft by A. Fixed.')
  for (const page of [c, r]) await page.context().close()
  await a.context.close()
})
