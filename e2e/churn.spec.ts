import { expect, test } from './support/test.js'
import { debugInfo, EDITOR, openPeer, typeAtEnd } from './support/peer.js'

/**
 * More than stock y-webrtc's largest `maxConns` (34): past it, a stayer that kept a dead
 * connection per departure refused every newcomer.
 */
const NEWCOMERS = 50

/**
 * Someone keeps the document open all day while others come and go, one after another, each in a
 * fresh browser context. Every newcomer must connect to the one who stayed and sync both ways:
 * the stayer keeps nothing of those who left (stock y-webrtc kept a dead connection per departure
 * and refused newcomers past `maxConns`, after about 20–34 of them).
 */
test('one peer stays while 50 others come and go: every newcomer connects to it and syncs', async ({ browser, server }) => {
  test.setTimeout(10 * 60_000)
  const stayer = await openPeer(browser, server.url)
  await typeAtEnd(stayer.page, 'Kept open all day.')
  const link = stayer.page.url()
  const joins: number[] = []

  for (let i = 1; i <= NEWCOMERS; i++) {
    const context = await browser.newContext()
    const page = await context.newPage()
    const started = Date.now()
    await page.goto(link)
    await page
      .waitForFunction(() => window.meshpad?.session.text.toString().startsWith('Kept open all day.') === true, undefined, { timeout: 30_000, polling: 20 })
      .catch(async (error: unknown) => {
        throw new Error(`newcomer ${i} did not sync: stayer ${JSON.stringify(await debugInfo(stayer.page))}, newcomer ${JSON.stringify(await debugInfo(page))}`, { cause: error })
      })
    joins.push(Date.now() - started)
    // Over WebRTC, to the stayer (the only other peer), not BroadcastChannel.
    const info = await debugInfo(page)
    expect(info.webrtcConnected, `newcomer ${i}`).toBe(1)
    expect(info.bcPeers).toBe(0)
    // …and back: what the newcomer types reaches the stayer.
    await page.locator(EDITOR).waitFor()
    await page.evaluate((n) => window.meshpad!.session.text.insert(window.meshpad!.session.text.length, ` ${n}`), i)
    await expect.poll(() => stayer.page.evaluate(() => window.meshpad!.session.text.toString()), { timeout: 10_000 }).toContain(` ${i}`)
    await context.close()
  }

  // Nothing of those who left stays behind in the stayer (the last one may still be closing).
  await expect.poll(async () => (await debugInfo(stayer.page)).webrtcKnown, { timeout: 60_000 }).toBeLessThanOrEqual(0)
  expect(joins).toHaveLength(NEWCOMERS)
})
