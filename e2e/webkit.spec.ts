import { expect, test } from './support/test.js'
import { openPeer, typeAtEnd } from './support/peer.js'
import { launchWebKit } from './support/webkit.js'

const documentIs = (text: string): string => `return window.meshpad !== undefined && window.meshpad.session.text.toString() === ${JSON.stringify(text)}`

// WebKitGTK (Safari's engine): Debian's MiniBrowser through WebKitWebDriver under Xvfb. Its build
// has no RTCPeerConnection: the server's relay of last resort is its only way to others.
test('WebKitGTK edits with Chromium through the server’s relay, both ways, and keeps its copy across a reload', async ({ browser, server }) => {
  test.setTimeout(90_000)
  const chromium = await openPeer(browser, server.url)
  await typeAtEnd(chromium.page, 'From Chromium.')
  const link = chromium.page.url()

  const webkit = await launchWebKit()
  try {
    const { session } = webkit
    await session.navigate(link)
    await session.waitFor('the editor', `return document.querySelector('.cm-content') !== null && window.meshpad !== undefined`)
    expect(await session.execute<string>('return typeof window.RTCPeerConnection')).toBe('undefined')
    await session.waitFor('Chromium’s text, through the server', documentIs('From Chromium.'), 30_000)
    await session.waitFor('the path word', `return document.querySelector('[data-testid="person-path"]')?.textContent === 'through the server (encrypted)'`)
    await expect(chromium.page.getByTestId('person-path')).toHaveText('through the server (encrypted)')

    await session.sendKeys('.cm-content', ' From WebKit.')
    await expect.poll(() => chromium.page.evaluate(() => window.meshpad!.session.text.toString())).toContain('From WebKit.')
    await session.waitFor('the save', `return document.querySelector('[data-testid="status-storage"]')?.getAttribute('data-state') === 'saved'`)

    await session.refresh()
    await session.waitFor('the text, after the reload', `return window.meshpad !== undefined && window.meshpad.session.text.toString().includes('From WebKit.')`)
    await typeAtEnd(chromium.page, ' After the reload.')
    await session.waitFor('Chromium’s text after the reload, through the server', `return window.meshpad !== undefined && window.meshpad.session.text.toString().includes('After the reload.')`, 30_000)
    expect(await session.execute<number>('return window.meshpad.session.debug().webrtcConnected')).toBe(0)
  } finally {
    await webkit.close()
  }
  await chromium.context.close()
})
