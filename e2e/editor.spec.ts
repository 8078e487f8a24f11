import { expect, test } from './support/test.js'
import { EDITOR, openPeer } from './support/peer.js'

test('the cursor holds still while typing and blinks again once idle', async ({ browser, server }) => {
  const a = await openPeer(browser, server.url)
  const cursorAnimation = (): Promise<string> =>
    a.page.evaluate(() => getComputedStyle(document.querySelector('.cm-cursorLayer') as Element).animationName)
  await a.page.locator(EDITOR).click()
  await expect.poll(cursorAnimation).toMatch(/^cm-blink2?$/)
  await a.page.keyboard.type('steady')
  // Restarting the blink animation on every key held back each frame showing it.
  expect(await cursorAnimation()).toBe('none')
  await expect.poll(cursorAnimation, { timeout: 5_000 }).toMatch(/^cm-blink2?$/)
  await a.context.close()
})
