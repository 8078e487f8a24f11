import { roomTopic } from '../src/room/roomTopic.js'
import { roomSecretFromHash } from '../src/room/roomLink.js'
import { expect, test } from './support/test.js'
import { databaseNames, download, openMyDocuments, pickImportFile } from './support/documents.js'
import { EDITOR, editorText, expectDocumentText, openPeer, typeAtEnd, waitForSaved } from './support/peer.js'
import type { Page } from '@playwright/test'

const TEXT = 'def greet(name):\n    return f"héllo {name} 👋"\n\nprint(greet("Ada"))'

/** The topic of the room the page is in. */
function topicOf(page: Page): string {
  const secret = roomSecretFromHash(new URL(page.url()).hash)
  if (secret === null) throw new Error(`no room in ${page.url()}`)
  return roomTopic(secret)
}

async function writeDocument(page: Page, title: string, language: string, text: string): Promise<void> {
  await page.getByLabel('Document title').fill(title)
  await page.getByLabel('Language').selectOption(language)
  await typeAtEnd(page, text)
  await waitForSaved(page)
}

test('export, then import in a fresh browser profile: the same text, title and language; or merged into another document', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  // Typed through CodeMirror, which indents after the colon by itself; compare with the doc.
  await writeDocument(a.page, 'Greeter', 'python', TEXT)
  const text = await editorText(a.page)
  const dialog = await openMyDocuments(a.page)
  const plain = await download(a.page, dialog, 'Download text (.py)')
  expect(plain.name).toBe('Greeter.py')
  expect(plain.contents.toString('utf8')).toBe(text)
  const exported = await download(a.page, dialog, 'Export document')
  expect(exported.name).toBe('Greeter.meshpad.json')
  // "Make a copy": a new link with the same content, title and language.
  const original = a.page.url()
  await dialog.getByRole('button', { name: 'Make a copy' }).click()
  await expect(dialog).toBeHidden()
  await expect(a.page).not.toHaveURL(original)
  await expect(a.page.getByLabel('Document title')).toHaveValue('Greeter')
  await expect(a.page.getByLabel('Language')).toHaveValue('python')
  expect(await editorText(a.page)).toBe(text)
  await a.context.close()

  // A fresh profile, with a document of its own open.
  const b = await openPeer(browser, server.url)
  const own = b.page.url()
  await typeAtEnd(b.page, 'B has its own notes.')
  await waitForSaved(b.page)
  const bDialog = await openMyDocuments(b.page)
  await pickImportFile(bDialog, exported.name, exported.contents)
  await expect(bDialog.getByRole('group', { name: 'Import' })).toContainText('“Greeter”: Python')
  await bDialog.getByRole('button', { name: 'Open as a new document' }).click()
  await expect(bDialog).toBeHidden()
  await expect(b.page).not.toHaveURL(own)
  await expect(b.page.getByLabel('Document title')).toHaveValue('Greeter')
  await expect(b.page.getByLabel('Language')).toHaveValue('python')
  await expect(b.page.locator('.editor')).toHaveAttribute('data-language-state', 'ready')
  expect(await editorText(b.page)).toBe(text)
  // It is stored and listed like any document of this browser.
  await waitForSaved(b.page)
  const listed = await openMyDocuments(b.page)
  await expect(listed.getByTestId('document-entry').first()).toContainText('Greeter (open)')
  await listed.getByRole('button', { name: 'Close' }).click()

  // Back in B's own document, the same file merged in: both texts, nothing lost.
  await b.page.goBack()
  await expect(b.page).toHaveURL(own)
  await expect(b.page.locator(EDITOR)).toHaveText('B has its own notes.')
  const merge = await openMyDocuments(b.page)
  await pickImportFile(merge, exported.name, exported.contents)
  await merge.getByRole('button', { name: 'Merge into this document' }).click()
  await expect(merge.getByRole('status')).toHaveText('Merged “Greeter” into this document.')
  const merged = await editorText(b.page)
  expect(merged).toContain('B has its own notes.')
  expect(merged).toContain(text)
  await b.context.close()
})

test('a corrupt, truncated or foreign file is refused with a message, and nothing changes', async ({ browser, server }) => {
  const { context, page } = await openPeer(browser, server.url)
  await writeDocument(page, 'Keep me', 'markdown', '# Untouched\n\nThis stays as it is.')
  const before = { url: page.url(), text: await editorText(page) }
  const dialog = await openMyDocuments(page)
  const exported = await download(page, dialog, 'Export document')
  const file = JSON.parse(exported.contents.toString('utf8')) as { state: string }
  const at = Math.floor(file.state.length / 2)
  const corrupt = JSON.stringify({ ...file, state: file.state.slice(0, at) + (file.state[at] === 'A' ? 'B' : 'A') + file.state.slice(at + 1) })
  const truncated = exported.contents.subarray(0, Math.floor(exported.contents.length * 0.7))

  for (const [name, contents, reason] of [
    ['corrupt.meshpad.json', corrupt, /damaged: its contents do not match its checksum/],
    ['truncated.meshpad.json', truncated, /damaged or incomplete/],
    ['package.json', '{"name":"not-meshpad","version":"1.0.0"}', /not a Meshpad document file/],
  ] as const) {
    await pickImportFile(dialog, name, contents)
    const alert = dialog.getByRole('alert')
    await expect(alert).toContainText(reason)
    await expect(alert).toContainText('Nothing was changed.')
    await expect(dialog.getByRole('button', { name: 'Open as a new document' })).toHaveCount(0)
  }
  await dialog.getByRole('button', { name: 'Close' }).click()
  expect(page.url()).toBe(before.url)
  expect(await editorText(page)).toBe(before.text)
  await expect(page.getByLabel('Document title')).toHaveValue('Keep me')
  await expect(page.getByLabel('Language')).toHaveValue('markdown')
  await context.close()
})

test('"My documents" lists documents newest first; deleting one removes it and its IndexedDB database', async ({ browser, server }) => {
  const { context, page } = await openPeer(browser, server.url)
  await writeDocument(page, 'Alpha', 'javascript', 'const alpha = 1')
  const alpha = topicOf(page)
  await page.getByRole('button', { name: 'New document' }).click()
  await expect(page.locator('.cm-placeholder')).toBeVisible()
  await writeDocument(page, 'Beta', 'css', 'body { color: red }')
  const beta = topicOf(page)
  expect(await databaseNames(page)).toEqual(expect.arrayContaining([`meshpad-${alpha}`, `meshpad-${beta}`]))
  // Another tab of this browser has Beta open too.
  const otherTab = await context.newPage()
  await otherTab.goto(page.url())
  await expectDocumentText(otherTab, 'body { color: red }')

  const dialog = await openMyDocuments(page)
  const entries = dialog.getByTestId('document-entry')
  await expect(entries).toHaveText([/^Beta \(open\)CSS · edited just now/, /^AlphaJavaScript · edited just now/])
  await expect(dialog.getByTestId('storage-info')).toContainText(/Storage is (not )?persistent.* used of /)

  // Delete a document that is not open: confirmation first, with the reassurance about peers.
  await dialog.getByRole('button', { name: 'Delete “Alpha”' }).click()
  const confirm = page.getByRole('alertdialog')
  await expect(confirm).toContainText('Other peers keep their copies')
  await confirm.getByRole('button', { name: 'Delete from this browser' }).click()
  await expect(dialog.getByRole('status')).toHaveText('Deleted “Alpha” from this browser.')
  await expect(entries).toHaveText([/^Beta \(open\)/])
  expect(await databaseNames(page)).not.toContain(`meshpad-${alpha}`)

  // Delete the open one: the page moves to a new, empty document first.
  await dialog.getByRole('button', { name: 'Delete “Beta”' }).click()
  await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click()
  await expect(entries).toHaveCount(1)
  await dialog.getByRole('button', { name: 'Delete “Beta”' }).click()
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete from this browser' }).click()
  await expect(dialog.getByRole('status')).toHaveText('Deleted “Beta” from this browser.')
  await expect(entries).toHaveCount(0)
  expect(topicOf(page)).not.toBe(beta)
  expect(await databaseNames(page)).not.toContain(`meshpad-${beta}`)
  // The other tab left Beta before it was deleted, and says why.
  await expect(otherTab.getByRole('status').filter({ hasText: 'deleted from this browser in another tab' })).toBeVisible()
  expect(topicOf(otherTab)).not.toBe(beta)
  await expect(otherTab.locator('.cm-placeholder')).toBeVisible()
  await dialog.getByRole('button', { name: 'Close' }).click()
  await expect(page.locator('.cm-placeholder')).toBeVisible()
  await typeAtEnd(page, 'Still editing.')
  await waitForSaved(page)
  await context.close()
})
