import type { BrowserContext, Page } from '@playwright/test'
import { expect, test } from './support/test.js'
import { HOSTILE_PAYLOADS } from '../src/editor/markdown/hostilePayloads.js'
import { editorText, EDITOR, expectWebrtcPath, openPeer, waitForWebrtcPeers } from './support/peer.js'

/** A 1×1 PNG, answered for the remote image host once the person agrees to load it. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64')
const IMAGE_HOST = 'images.example.test'
const END = 'END OF PAYLOADS'

type Probe = Window & { __pwned?: unknown; __csp: string[] }

/** A peer whose page records CSP violations from its very first script on. */
async function openWatchedPeer(context: BrowserContext, url: string): Promise<Page> {
  await context.addInitScript(() => {
    const probe = window as unknown as Probe
    probe.__csp = []
    document.addEventListener('securitypolicyviolation', (event) => {
      probe.__csp.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`)
    })
  })
  const page = await context.newPage()
  await page.goto(url)
  await page.locator(EDITOR).waitFor()
  return page
}

async function setMarkdown(page: Page): Promise<void> {
  await page.getByLabel('Language').selectOption('markdown')
}

test("B types hostile Markdown; A's preview shows it inert, asks before loading remote images; the app itself causes no CSP violation", async ({ browser, server }) => {
  const origin = new URL(server.url).origin
  const response = await fetch(server.url)
  const csp = response.headers.get('content-security-policy') ?? ''
  for (const directive of ["script-src 'self'", "object-src 'none'", "base-uri 'none'", "worker-src 'self'"]) expect(csp).toContain(directive)

  const contextA = await browser.newContext()
  await contextA.route(`https://${IMAGE_HOST}/**`, (route) => route.fulfill({ contentType: 'image/png', body: PNG }))
  const a = await openWatchedPeer(contextA, `${server.url}#preview-hostile-room`)
  const dialogs: string[] = []
  a.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  const requests: string[] = []
  a.on('request', (request) => requests.push(request.url()))
  const consoleCsp: string[] = []
  a.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) consoleCsp.push(message.text())
  })
  const pageErrors: string[] = []
  a.on('pageerror', (error) => pageErrors.push(error.message))

  const b = await openPeer(browser, `${server.url}#preview-hostile-room`)
  await waitForWebrtcPeers(a, 1)
  await setMarkdown(b.page)

  // A opens the preview (the toggle exists once the document is Markdown, set by B).
  const toggle = a.getByRole('button', { name: /Preview/ })
  await toggle.click()
  await expect(toggle).toHaveAttribute('aria-pressed', 'true')
  const preview = a.getByRole('region', { name: 'Preview' })
  await expect(preview).toBeVisible()

  // The app itself under the CSP, with ordinary Markdown: WebRTC, the lazy language chunks (the
  // editor's and a fence's), the service worker, the preview's worker — and not one violation.
  const ordinary = '# Notes\n\n- [x] done\n\n```js\nconst answer = 42\n```\n\n![dot](data:image/png;base64,' + PNG.toString('base64') + ')\n'
  await b.page.locator(EDITOR).click()
  await b.page.keyboard.insertText(ordinary)
  await expect(preview.locator('pre code.language-js span').first()).toBeVisible()
  await expect(preview.getByRole('img', { name: 'dot' })).toHaveJSProperty('naturalWidth', 1)
  await expect(a.locator('.editor')).toHaveAttribute('data-language-state', 'ready')
  expect(await a.evaluate(async () => (await navigator.serviceWorker.ready).active !== null)).toBe(true)
  await expectWebrtcPath(a, 1)
  expect(await a.evaluate(() => (window as unknown as Probe).__csp)).toEqual([])
  expect(consoleCsp).toEqual([])

  // B types every payload (one input, as a paste), then a last line; A's preview follows.
  const text = `${ordinary}\n${HOSTILE_PAYLOADS.map((payload) => payload.markdown).join('\n\n')}\n\n${END}\n`
  await b.page.keyboard.insertText(text.slice(ordinary.length))
  await expect(preview.getByTestId('preview-body')).toContainText(END)
  expect(await editorText(a)).toBe(text)

  // Inert: nothing ran, nothing asked, nothing but inert markup is in the preview.
  await a.mouse.move(10, 10)
  await preview.getByText('hover', { exact: true }).hover()
  await preview.getByText('click', { exact: true }).click()
  // A `#…` link would switch rooms (the fragment is the room key): it is not a link any more.
  for (const jump of await preview.getByText('jump', { exact: true }).all()) await jump.click()
  expect(new URL(a.url()).hash).toBe('#preview-hostile-room')
  expect(await a.evaluate(() => (window as unknown as Probe).__pwned)).toBeUndefined()
  expect(dialogs).toEqual([])
  expect(pageErrors).toEqual([])
  const markup = await preview.getByTestId('preview-body').evaluate((body) => {
    const all = Array.from(body.querySelectorAll('*'))
    const attributes = all.flatMap((element) => element.getAttributeNames().map((name: string) => `${element.tagName}[${name}]`))
    return {
      tags: [...new Set(all.map((element) => element.tagName.toLowerCase()))],
      handlers: attributes.filter((attribute) => /\[on/i.test(attribute) || /\[style\]/.test(attribute)),
      links: Array.from(body.querySelectorAll('a[href]')).map((link) => ({ href: link.getAttribute('href'), target: link.getAttribute('target'), rel: link.getAttribute('rel') })),
      images: Array.from(body.querySelectorAll('img[src]')).map((image) => image.getAttribute('src') ?? ''),
    }
  })
  for (const tag of ['script', 'style', 'iframe', 'object', 'embed', 'form', 'svg', 'math', 'base', 'meta', 'link', 'video', 'button', 'textarea']) {
    expect(markup.tags).not.toContain(tag)
  }
  expect(markup.handlers).toEqual([])
  expect(markup.links.length).toBeGreaterThan(0)
  for (const link of markup.links) {
    expect(link.href).toMatch(/^(?:https?|mailto):/)
    expect(link).toMatchObject({ target: '_blank', rel: 'noopener noreferrer' })
  }
  for (const src of markup.images) expect(src).toMatch(/^data:image\//)
  // Code in a fence is highlighted by the editor's (lazily loaded) HTML language, as text.
  await expect(preview.locator('pre code.language-html span').first()).toBeVisible()
  await expect(preview.locator('pre code.language-html')).toContainText('<script>window.__pwned = 4</script>')

  // Nothing left the server's origin; the remote image waits for consent.
  const foreign = (): string[] => requests.filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'))
  expect(foreign()).toEqual([])
  const imageRequest = a.waitForRequest((request) => request.url() === `https://${IMAGE_HOST}/cat.png`)
  await preview.getByRole('button', { name: `Load images from ${IMAGE_HOST}` }).click()
  const cat = preview.locator(`img[alt="cat"][src="https://${IMAGE_HOST}/cat.png"]`)
  // Consented images load lazily, when scrolled near.
  await cat.scrollIntoViewIfNeeded()
  await imageRequest
  await expect.poll(() => cat.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBe(1)
  expect(foreign()).toEqual([`https://${IMAGE_HOST}/cat.png`])

  // Chromium reports an inline handler or a <base> even in the inert document the sanitiser
  // parses them in (DOMParser, <template> alike): those reports, from the sanitiser's own chunk,
  // are the payloads being refused, twice over. Nothing else was reported.
  const violations = await a.evaluate(() => (window as unknown as Probe).__csp)
  for (const violation of violations) expect(violation).toMatch(/^(?:script-src-attr inline|base-uri https:\/\/evil\.example\/) \S+\/assets\/PreviewPane-[\w-]+\.js:/)
  expect(consoleCsp.length).toBe(violations.length)

  await b.context.close()
  await contextA.close()
})

test('the Preview toggle: Markdown only, remembered, side by side or one at a time, scrolled with the text', async ({ browser, server }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  const page = await context.newPage()
  await page.goto(`${server.url}#preview-layout-room`)
  await page.locator(EDITOR).waitFor()
  const toggle = page.getByRole('button', { name: /Preview/ })
  const preview = page.getByRole('region', { name: 'Preview' })
  await expect(page.getByLabel('Language')).toHaveValue('plaintext')
  await expect(toggle).toHaveCount(0)

  await setMarkdown(page)
  await expect(toggle).toHaveAttribute('aria-pressed', 'false')
  await page.locator(EDITOR).click()
  const sections = Array.from({ length: 120 }, (_, i) => `## Section ${i + 1}\n\nSome text of section ${i + 1}.\n`).join('\n')
  await page.keyboard.insertText(sections)
  await toggle.click()
  await expect(preview.getByRole('heading', { name: 'Section 120' })).toBeAttached()
  // Wide: side by side.
  await expect(page.locator('.cm-editor')).toBeVisible()
  await expect(preview).toBeVisible()

  // Scrolling the text scrolls the preview to the same section.
  await page.locator('.cm-scroller').evaluate((scroller) => {
    scroller.scrollTop = scroller.scrollHeight * 0.6
  })
  const topSection = async (): Promise<{ editor: string; preview: string }> =>
    page.evaluate(() => {
      const scroller = document.querySelector('.cm-scroller') as HTMLElement
      const body = document.querySelector('[data-testid="preview-body"]') as HTMLElement
      const firstBelow = (elements: Element[], top: number): string =>
        elements.find((element) => element.getBoundingClientRect().top >= top - 2)?.textContent ?? ''
      const heading = firstBelow(
        Array.from(scroller.querySelectorAll('.cm-line')).filter((line) => line.textContent?.startsWith('## ')),
        scroller.getBoundingClientRect().top,
      )
      return { editor: heading.replace('## ', ''), preview: firstBelow(Array.from(body.querySelectorAll('h2')), body.getBoundingClientRect().top) }
    })
  await expect.poll(async () => {
    const { editor, preview: shown } = await topSection()
    return editor !== '' && editor !== 'Section 1' && editor === shown
  }).toBe(true)

  // Remembered across a reload; narrow: one or the other.
  await page.reload()
  await expect(preview).toBeVisible()
  await expect(toggle).toHaveAttribute('aria-pressed', 'true')
  await page.setViewportSize({ width: 600, height: 800 })
  await expect(page.locator('.cm-editor')).toBeHidden()
  await expect(preview).toBeVisible()
  await toggle.click()
  await expect(preview).toHaveCount(0)
  await expect(page.locator('.cm-editor')).toBeVisible()
  await context.close()
})
