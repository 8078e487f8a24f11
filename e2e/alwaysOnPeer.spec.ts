import type { Browser, Page } from '@playwright/test'
import { AlwaysOnPeerProcess } from './support/alwaysOnPeerProcess.js'
import { expect, test } from './support/test.js'
import { editorText, expectDocumentText, expectWebrtcPath, openPeer, typeAtEnd, waitForWebrtcPeers } from './support/peer.js'

// A browser and an always-on peer process per step, and WebRTC to Node each time.
test.describe.configure({ timeout: 120_000 })

const peers = (n: number): string => (n === 1 ? '1 always-on peer' : `${n} always-on peers`)

/** Waits until the status bar says the latest edit is kept by `n` always-on peers (from what they published). */
async function expectKeptBy(page: Page, n: number): Promise<void> {
  await expect(page.getByTestId('status-storage')).toHaveText(`Saved on this device and on ${peers(n)}`, { timeout: 30_000 })
}

/** Opens the link in a fresh browser context and waits for `count` WebRTC peers (the always-on ones). */
async function openLink(browser: Browser, link: string, count: number) {
  const peer = await openPeer(browser, link)
  await waitForWebrtcPeers(peer.page, count, 30_000)
  return peer
}

test('Ana types and closes her browser; Ben opens the link later with Ana gone and has her text from the always-on peer', async ({ browser, server }) => {
  const ana = await openPeer(browser, server.url)
  const link = ana.page.url()
  const peer = await AlwaysOnPeerProcess.start([link])
  try {
    await waitForWebrtcPeers(ana.page, 1, 30_000)
    const badge = ana.page.getByTestId('person').filter({ hasText: 'Always-on peer' }).getByTestId('always-on')
    await expect(badge).toBeVisible()
    await typeAtEnd(ana.page, 'Written by Ana in the evening.')
    await expectKeptBy(ana.page, 1)
    const text = await editorText(ana.page)
    await ana.context.close()

    const ben = await openLink(browser, link, 1)
    await expectDocumentText(ben.page, text)
    await expectWebrtcPath(ben.page, 1)
    expect((await peer.health()).rooms).toBe(1)
    await ben.context.close()
  } finally {
    await peer.destroy()
  }
})

test('the peer is SIGKILLed right after it published that it stored an edit: after a restart nothing it acknowledged is lost', async ({ browser, server }) => {
  const ana = await openPeer(browser, server.url)
  const link = ana.page.url()
  const peer = await AlwaysOnPeerProcess.start([link])
  try {
    await waitForWebrtcPeers(ana.page, 1, 30_000)
    await typeAtEnd(ana.page, 'Kept before the crash.')
    await expectKeptBy(ana.page, 1)
    await peer.kill()
    const acknowledged = await editorText(ana.page)
    await ana.context.close()

    await peer.start()
    // Nobody is in the room: it sleeps, a subscription at the signaling server, until Ben comes.
    await expect.poll(async () => (await peer.health()).signaling.connected, { timeout: 30_000 }).toBe(1)
    expect(await peer.health()).toMatchObject({ awake: 0, waitingToWake: 0 })
    const ben = await openLink(browser, link, 1)
    await expectDocumentText(ben.page, acknowledged)
    expect((await peer.health()).awake).toBe(1)
    await expectWebrtcPath(ben.page, 1)
    await ben.context.close()
  } finally {
    await peer.destroy()
  }
})

test('Ben edits while the peer is down; when it returns both merge, and the peer keeps the merge', async ({ browser, server }) => {
  const ana = await openPeer(browser, server.url)
  const link = ana.page.url()
  const peer = await AlwaysOnPeerProcess.start([link])
  try {
    await waitForWebrtcPeers(ana.page, 1, 30_000)
    await typeAtEnd(ana.page, 'From Ana.')
    await expectKeptBy(ana.page, 1)
    await ana.context.close()
    await peer.stop()

    const ben = await openPeer(browser, link)
    await typeAtEnd(ben.page, 'From Ben.')
    await peer.start()
    await waitForWebrtcPeers(ben.page, 1, 30_000)
    await expect.poll(() => editorText(ben.page), { timeout: 20_000 }).toMatch(/^(From Ana\.From Ben\.|From Ben\.From Ana\.)$/)
    await expectKeptBy(ben.page, 1)
    const merged = await editorText(ben.page)
    await ben.context.close()

    const cara = await openLink(browser, link, 1)
    await expectDocumentText(cara.page, merged)
    await cara.context.close()
  } finally {
    await peer.destroy()
  }
})

test('two always-on peers in one room: either alone serves the document', async ({ browser, server }) => {
  const ana = await openPeer(browser, server.url)
  const link = ana.page.url()
  const first = await AlwaysOnPeerProcess.start([link])
  const second = await AlwaysOnPeerProcess.start([link])
  try {
    await waitForWebrtcPeers(ana.page, 2, 30_000)
    await typeAtEnd(ana.page, 'Kept twice.')
    await expectKeptBy(ana.page, 2)
    const text = await editorText(ana.page)
    await ana.context.close()

    await first.stop()
    const ben = await openLink(browser, link, 1)
    await expectDocumentText(ben.page, text)
    await ben.context.close()

    await first.start()
    await second.stop()
    const cara = await openLink(browser, link, 1)
    await expectDocumentText(cara.page, text)
    await cara.context.close()
  } finally {
    await Promise.all([first.destroy(), second.destroy()])
  }
})
