import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { AlwaysOnPeerProcess } from './support/alwaysOnPeerProcess.js'
import { chromiumLaunchOptions } from './support/chromium.js'
import { expect, test } from './support/test.js'
import { EDITOR, editorText, expectEditorToContain, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

const EDIT_LINK = /#e1\.[A-Za-z0-9_-]{43}$/
const READ_LINK = /#r1\.[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/

/** A person: their own browser context, named, on `link`. */
async function person(browser: Browser, link: string, name: string): Promise<Page> {
  const context = await browser.newContext()
  await context.addInitScript((who) => localStorage.setItem('meshpad/v1/user', JSON.stringify({ name: who, color: '#30bced' })), name)
  const page = await context.newPage()
  await page.goto(link)
  await page.locator(EDITOR).waitFor()
  return page
}

/** The names a page's removal lists as seen in the room (itself left out). */
function roster(page: Page): Promise<string[]> {
  return page.evaluate(() => (window.meshpad?.session.removal?.people() ?? []).filter((p) => !p.self).map((p) => p.name).sort())
}

/** The topics "My documents" lists in this browser. */
function listedTopics(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('meshpad-documents')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const keys = open.result.transaction('documents').objectStore('documents').getAllKeys()
          keys.onsuccess = () => {
            open.result.close()
            resolve(keys.result.map(String))
          }
          keys.onerror = () => reject(keys.error)
        }
      }),
  )
}

const topicOf = (page: Page): Promise<string> => page.evaluate(() => window.meshpad?.session.topic ?? '')

test('a writer removes someone in two clicks: the kept writers and reader move on their own and keep editing; the removed one gets nothing new', async ({ browser, server }) => {
  test.setTimeout(120_000)
  const a = await person(browser, server.url, 'Ada')
  const editLink = a.url()
  expect(editLink).toMatch(EDIT_LINK)
  const readLink = `${server.url}#${await a.evaluate(() => window.meshpad?.session.access.readFragment)}`
  await typeAtEnd(a, 'Before the removal.')
  const b = await person(browser, editLink, 'Bea')
  const c = await person(browser, editLink, 'Cal')
  const r = await person(browser, readLink, 'Rex')
  for (const page of [a, b, c, r]) await waitForWebrtcPeers(page, 3, 30_000)
  await expect.poll(() => roster(a), { timeout: 20_000 }).toEqual(['Bea', 'Cal', 'Rex'])
  const oldTopic = await topicOf(a)

  // Two clicks: "Remove someone…", uncheck Cal, "Remove".
  await a.getByRole('button', { name: 'Remove someone…' }).click()
  const dialog = a.getByRole('dialog', { name: 'Remove someone' })
  await expect(dialog.getByRole('checkbox', { name: 'Bea' })).toBeChecked()
  await expect(dialog.getByRole('checkbox', { name: 'Rex' })).toBeChecked()
  await dialog.getByRole('checkbox', { name: 'Cal' }).uncheck()
  await dialog.getByRole('button', { name: 'Remove' }).click()
  // While the room settles (1.5 s) before it moves, B's editor takes nothing for the room being left.
  await expect(b.locator(EDITOR)).toHaveAttribute('contenteditable', 'false')

  // A, B and R move on their own to the new room: the writers by the edit link, the reader by the read link.
  await expect.poll(() => topicOf(a), { timeout: 20_000 }).not.toBe(oldTopic)
  const newTopic = await topicOf(a)
  await expect.poll(() => topicOf(b), { timeout: 20_000 }).toBe(newTopic)
  await expect.poll(() => topicOf(r), { timeout: 20_000 }).toBe(newTopic)
  expect(a.url()).toMatch(EDIT_LINK)
  expect(b.url()).toBe(a.url())
  expect(r.url()).toMatch(READ_LINK)
  expect(a.url()).not.toBe(editLink)
  await expect(b.getByRole('status').filter({ hasText: 'Ada removed Cal from this document; it now has a new link.' })).toBeVisible()
  await expect(r.getByRole('status').filter({ hasText: 'Ada removed Cal from this document' })).toBeVisible()
  await expect(a.getByRole('status').filter({ hasText: 'You removed Cal from this document' })).toBeVisible()
  // The text and its history came along, and "My documents" follows the move.
  for (const page of [a, b, r]) await expectEditorToContain(page, 'Before the removal.')
  await expect.poll(() => listedTopics(b), { timeout: 15_000 }).toEqual([newTopic])

  // They keep editing together; C, even with every key it held, gets nothing written after the removal.
  await typeAtEnd(a, ' After, by Ada.')
  await typeAtEnd(b, ' After, by Bea.')
  for (const page of [a, b, r]) {
    await expectEditorToContain(page, 'After, by Ada.')
    await expectEditorToContain(page, 'After, by Bea.')
  }
  await expect(c.getByRole('status').filter({ hasText: 'moved this document to a new link, and this browser no longer has access' })).toBeVisible()
  expect(c.url()).toBe(editLink)
  const cSees = await c.evaluate(() => ({
    text: window.meshpad?.session.text.toString() ?? '',
    topic: window.meshpad?.session.topic,
    move: window.meshpad?.session.removal?.move.kind,
    record: JSON.stringify(window.meshpad?.session.doc.getArray('moves').toArray()),
  }))
  expect(cSees.text).toContain('Before the removal.')
  expect(cSees.text).not.toContain('After')
  expect(cSees.topic).toBe(oldTopic)
  expect(cSees.move).toBe('removed')
  // The record C holds names neither the new room's topic nor any link of it.
  expect(cSees.record).not.toContain(newTopic)
  expect(cSees.record).not.toContain(new URL(a.url()).hash.slice(4))

  // A bookmark of the old link still works for a kept person: it moves on to the new room.
  await b.goto(editLink)
  await expect.poll(() => topicOf(b), { timeout: 20_000 }).toBe(newTopic)
  await expectEditorToContain(b, 'After, by Ada.')
  expect(await editorText(b)).toContain('After, by Bea.')
})

test('two writers removing different people at the same time end in one room, without either person', async ({ browser, server }) => {
  test.setTimeout(90_000)
  const a = await person(browser, server.url, 'Ada')
  const editLink = a.url()
  await typeAtEnd(a, 'Shared.')
  const b = await person(browser, editLink, 'Bea')
  const c = await person(browser, editLink, 'Cal')
  const e = await person(browser, editLink, 'Eve')
  for (const page of [a, b, c, e]) await waitForWebrtcPeers(page, 3, 30_000)
  for (const page of [a, b]) await expect.poll(() => roster(page), { timeout: 20_000 }).toHaveLength(3)
  const oldTopic = await topicOf(a)
  // Both click "Remove" at one instant (the pages share this machine's clock), before either record reaches the other.
  const at = Date.now() + 1000
  const removeByName = (page: Page, name: string): Promise<unknown> =>
    page.evaluate(
      async ({ who, at }) => {
        const removal = window.meshpad?.session.removal
        if (!removal) throw new Error('no removal')
        const keep = removal.people().filter((p) => p.name !== who).map((p) => p.sign)
        await new Promise((resolve) => setTimeout(resolve, at - Date.now()))
        return removal.remove(keep)
      },
      { who: name, at },
    )
  await Promise.all([removeByName(a, 'Cal'), removeByName(b, 'Eve')])
  // One record wins on every peer; its loser's removal is made again in the winner's room.
  const moveOf = (page: Page): Promise<string> => page.evaluate(() => window.meshpad?.session.removal?.move.kind ?? 'none')
  await expect.poll(async () => [await moveOf(c), await moveOf(e)], { timeout: 30_000 }).toEqual(['removed', 'removed'])
  await expect.poll(async () => (await topicOf(a)) === (await topicOf(b)) && (await topicOf(a)) !== oldTopic, { timeout: 20_000 }).toBe(true)
  const room = await topicOf(a)
  expect([await topicOf(c), await topicOf(e)]).not.toContain(room)
  await typeAtEnd(a, ' Still together.')
  await expectEditorToContain(b, 'Still together.')
})

/** D: a browser of its own with a profile on disk, so it can close and come back with its device keys. */
async function personWithProfile(profile: string, link: string, name: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(profile, chromiumLaunchOptions())
  await context.addInitScript((who) => localStorage.setItem('meshpad/v1/user', JSON.stringify({ name: who, color: '#30bced' })), name)
  const page = context.pages()[0] ?? (await context.newPage())
  await page.goto(link)
  await page.locator(EDITOR).waitFor()
  return { context, page }
}

test('the always-on peer moves with the room, and D, offline at the removal, moves when it comes back', async ({ browser, server }) => {
  test.setTimeout(180_000)
  const a = await person(browser, server.url, 'Ada')
  const editLink = a.url()
  await typeAtEnd(a, 'Before the removal.')
  const peer = await AlwaysOnPeerProcess.start([editLink])
  const profile = await mkdtemp(join(tmpdir(), 'meshpad-profile-'))
  let d: { context: BrowserContext; page: Page } | null = null
  try {
    d = await personWithProfile(profile, editLink, 'Dan')
    const c = await person(browser, editLink, 'Cal')
    await expect.poll(() => roster(a), { timeout: 30_000 }).toEqual(['Always-on peer', 'Cal', 'Dan'])
    await expectEditorToContain(d.page, 'Before the removal.')
    // A writer has recorded Dan's device in the document, so a removal can reach him while he is away.
    await expect
      .poll(() => a.evaluate(() => [...(window.meshpad?.session.doc.getMap('devices').values() ?? [])].map((entry) => (entry as { name?: string }).name)), { timeout: 20_000 })
      .toContain('Dan')
    // Dan closes his browser; days later he is still away when Ada removes Cal.
    await d.context.close()
    d = null
    const oldTopic = await topicOf(a)
    await a.getByRole('button', { name: 'Remove someone…' }).click()
    const dialog = a.getByRole('dialog', { name: 'Remove someone' })
    await expect(dialog.getByRole('checkbox', { name: 'Dan' })).toBeChecked()
    await expect(dialog.getByText(/last seen/)).toBeVisible()
    await dialog.getByRole('checkbox', { name: 'Cal' }).uncheck()
    await dialog.getByRole('button', { name: 'Remove' }).click()
    await expect.poll(() => topicOf(a), { timeout: 20_000 }).not.toBe(oldTopic)
    // Cal, removed, still holds the old edit key and writes on in the old room; the peer keeps that room.
    await expect.poll(() => c.evaluate(() => window.meshpad?.session.removal?.move.kind), { timeout: 20_000 }).toBe('removed')
    await typeAtEnd(c, ' Cal, after the removal.')
    // The peer keeps the new room beside the old one, and holds what Ada writes there.
    await expect.poll(async () => (await peer.health()).rooms, { timeout: 30_000 }).toBe(2)
    await waitForWebrtcPeers(a, 1, 30_000)
    await typeAtEnd(a, ' After, by Ada.')
    await expect(a.getByTestId('status-storage')).toHaveText('Saved on this device and on 1 always-on peer', { timeout: 30_000 })
    await a.context().close()

    // Dan comes back with the old link: the peer serves the old room's record, and Dan moves on his own.
    d = await personWithProfile(profile, editLink, 'Dan')
    await expect.poll(() => topicOf(d!.page), { timeout: 30_000 }).not.toBe(oldTopic)
    await expectEditorToContain(d.page, 'After, by Ada.')
    expect(d.page.url()).toMatch(EDIT_LINK)
    // Dan carried his own copy across (what he had stored, and his own edits): nothing Cal wrote after the removal.
    await d.page.waitForFunction(() => window.meshpad?.session.removal?.adopted === true, null, { timeout: 20_000 })
    expect(await editorText(d.page)).not.toContain('Cal, after')
    await expect(d.page.getByRole('status').filter({ hasText: 'Ada removed Cal from this document' })).toBeVisible()
    // Cal, still in the old room, got nothing written after the removal.
    expect(await editorText(c)).not.toContain('After, by Ada')
    expect(await c.evaluate(() => window.meshpad?.session.removal?.move.kind)).toBe('removed')
  } finally {
    await d?.context.close()
    await peer.destroy()
    await rm(profile, { recursive: true, force: true })
  }
})
