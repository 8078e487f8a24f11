import { expect, test } from './support/test.js'
import { NO_WEBRTC_TEXT } from './support/noWebrtc.js'
import { openPeer, typeAtEnd } from './support/peer.js'
import { launchWebKit } from './support/webkit.js'

/** A script for `WebDriverSession.waitFor`: the status bar's peers part shows `text`, in state `state`. */
const statusIs = (state: string, text: string): string =>
  `const peers = document.querySelector('[data-testid="status-peers"]');
   return peers !== null && peers.getAttribute('data-state') === ${JSON.stringify(state)} && peers.textContent === ${JSON.stringify(text)}`

const documentIs = (text: string): string => `return window.meshpad !== undefined && window.meshpad.session.text.toString() === ${JSON.stringify(text)}`

// WebKitGTK (Safari's engine): Debian's MiniBrowser through WebKitWebDriver under Xvfb. Its build
// has no RTCPeerConnection, so until the server relay exists it edits alone and must say so.
test('WebKitGTK opens the room, keeps what is typed across a reload, and says it cannot reach anyone without WebRTC', async ({ browser, server }) => {
  test.setTimeout(90_000)
  // Someone with WebRTC is in the room: WebKit is alone for want of WebRTC, not of people.
  const chromium = await openPeer(browser, server.url)
  await typeAtEnd(chromium.page, 'From Chromium.')
  const link = chromium.page.url()

  const webkit = await launchWebKit()
  try {
    const { session } = webkit
    await session.navigate(link)
    await session.waitFor('the editor', `return document.querySelector('.cm-content') !== null && window.meshpad !== undefined`)
    expect(await session.execute<string>('return typeof window.RTCPeerConnection')).toBe('undefined')
    await session.waitFor('the signaling server', `return document.querySelector('[data-testid="status-signaling"]')?.getAttribute('data-state') === 'connected'`)
    await session.waitFor('the word for a browser without WebRTC', statusIs('no-webrtc', NO_WEBRTC_TEXT))

    // Typed as keys into the editor, empty here: none of Chromium's text can reach WebKit.
    await session.sendKeys('.cm-content', 'Typed in WebKit.')
    await session.waitFor('the typed text in the document', documentIs('Typed in WebKit.'))
    await session.waitFor('the save', `return document.querySelector('[data-testid="status-storage"]')?.getAttribute('data-state') === 'saved'`)

    // Nobody can have sent it back: what the reload shows is the copy on this device.
    await session.refresh()
    await session.waitFor('the text, after the reload', documentIs('Typed in WebKit.'))
    await session.waitFor('the word for a browser without WebRTC, after the reload', statusIs('no-webrtc', NO_WEBRTC_TEXT))
    expect(await session.execute<number>('return window.meshpad.session.debug().webrtcConnected')).toBe(0)
  } finally {
    await webkit.close()
  }
  await chromium.context.close()
})
