import { chromium } from '@playwright/test'
import { expect, test } from './support/test.js'
import { chromiumLaunchOptions } from './support/chromium.js'
import { EDITOR, editorText, expectEditorToContain, openPeer, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

test('people see each other by name and cursor; undo removes only your own edit; leavers vanish', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  const link = a.page.url()

  // A renames themself; the name is remembered in this browser.
  const nameField = a.page.getByLabel('Your name')
  await nameField.fill('Ada')
  await nameField.press('Enter')
  expect(await a.page.evaluate(() => localStorage.getItem('meshpad/v1/user'))).toContain('"name":"Ada"')

  const b = await openPeer(browser, link)
  await waitForWebrtcPeers(a.page, 1)
  await waitForWebrtcPeers(b.page, 1)

  // B lists A by name; each lists themself as "(you)".
  const peopleOfB = b.page.getByRole('complementary', { name: 'People in this document' })
  await expect(peopleOfB.getByTestId('person')).toHaveCount(2)
  await expect(peopleOfB.getByText('Ada', { exact: true })).toBeVisible()
  await expect(peopleOfB.locator('li.self')).toContainText('(you)')

  await typeAtEnd(b.page, 'from B; ')
  await expectEditorToContain(a.page, 'from B; ')
  await typeAtEnd(a.page, 'from A')
  await expectEditorToContain(b.page, 'from B; from A')

  // B sees A's caret, labelled with A's name, in A's color.
  const caret = b.page.locator('.cm-ySelectionCaret')
  await expect(caret).toHaveCount(1)
  await expect(b.page.locator('.cm-ySelectionInfo')).toHaveText('Ada')

  // A's undo takes back A's typing and leaves B's.
  await a.page.locator(EDITOR).focus()
  await a.page.keyboard.press('Control+z')
  await expect.poll(() => editorText(a.page)).toBe('from B; ')
  await expect.poll(() => editorText(b.page)).toBe('from B; ')
  // …and redo brings it back, for everyone.
  await a.page.keyboard.press('Control+Shift+KeyZ')
  await expect.poll(() => editorText(b.page)).toBe('from B; from A')

  // A closes the tab: gone from B's list and B's editor at once, no ghost.
  await a.page.close({ runBeforeUnload: true })
  await expect(peopleOfB.getByTestId('person')).toHaveCount(1, { timeout: 5_000 })
  await expect(caret).toHaveCount(0, { timeout: 5_000 })
  await a.context.close()
  await b.context.close()
})

test('a peer whose browser dies leaves the list within seconds', async ({ browser, server }) => {
  // A runs in a browser process of its own, so it can die without a goodbye: no beforeunload, no
  // pagehide, no close on the data channel.
  const doomed = await chromium.launchServer(chromiumLaunchOptions())
  try {
    const a = await openPeer(await chromium.connect(doomed.wsEndpoint()), server.url)
    const b = await openPeer(browser, a.page.url())
    await waitForWebrtcPeers(b.page, 1)
    const peopleOfB = b.page.getByRole('complementary', { name: 'People in this document' })
    await expect(peopleOfB.getByTestId('person')).toHaveCount(2)
    await expect(b.page.locator('.cm-ySelectionCaret')).toHaveCount(1)

    doomed.process().kill('SIGKILL')
    await expect(peopleOfB.getByTestId('person')).toHaveCount(1, { timeout: 10_000 })
    await expect(b.page.locator('.cm-ySelectionCaret')).toHaveCount(0)
    await expect(b.page.getByTestId('status-peers')).toHaveText('No peers connected', { timeout: 10_000 })
    await b.context.close()
  } finally {
    doomed.process().kill('SIGKILL')
  }
})
