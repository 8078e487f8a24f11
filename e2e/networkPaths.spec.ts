import { createHash, X509Certificate } from 'node:crypto'
import { test as base, expect, type Browser } from '@playwright/test'
import { makeTestCertificate } from '../signaling/testing/testCertificate.js'
import { waitForOfflineReady } from './support/offline.js'
import { EDITOR, expectTextBothWays, typeAtEnd, waitForSaved } from './support/peer.js'
import { countPeerConnections, expectPeerPath, joinRoom, openPage, peerConnectionAttempts } from './support/labPeers.js'
import { launchIn, startLabCoturn, startLabMeshpad, TURN_PORT, treatLabOriginAsSecure } from './support/labServers.js'
import { NetLab, PUBLIC, type LabHost } from './support/netns.js'

/**
 * Connecting across networks, with real parts in network namespaces made for each test: a public
 * network with the Meshpad server and a real coturn, browsers behind NAT routers (see
 * support/netns.ts). Each scenario is asserted from `getStats()` (the selected candidate pair,
 * read by the page: `session.debug().paths`) and from what the page says.
 */
const test = base.extend<{ lab: NetLab; launch: (host: LabHost, args?: readonly string[]) => Promise<Browser> }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  lab: async ({}, use) => {
    const lab = NetLab.create()
    try {
      await use(lab)
    } finally {
      await lab.destroy()
    }
  },
  launch: async ({ lab }, use) => {
    const browsers: Browser[] = []
    await use(async (host, args = [treatLabOriginAsSecure()]) => {
      const browser = await launchIn(lab, host, args)
      browsers.push(browser)
      return browser
    })
    await Promise.all(browsers.map((browser) => browser.close()))
  },
})

test.describe.configure({ timeout: 120_000 })

const SECRET = 'lab-turn-secret'
const STUN = `stun:${PUBLIC.server}:${TURN_PORT}`

test('same LAN, nothing configured: direct, host to host', async ({ lab, launch }) => {
  const server = await startLabMeshpad(lab)
  const [a, a2] = await Promise.all([launch('a'), launch('a2')])
  const { pageA, pageB, joinMs } = await joinRoom(a, a2, server.url, 'Same LAN. ')
  console.log(`[figure] join, same LAN, nothing configured: ${joinMs} ms`)
  for (const page of [pageA, pageB]) {
    const info = await expectPeerPath(page, 'direct')
    // A peer's host address learnt from its checks before its mDNS name resolved is peer-reflexive.
    expect(['host', 'prflx']).toContain(info.localType)
    expect(['host', 'prflx']).toContain(info.remoteType)
    await expect(page.getByTestId('person-path')).toHaveAttribute('data-path', 'direct')
    await expect(page.getByTestId('person-path')).toHaveText('direct')
    expect(await page.evaluate(() => window.meshpad!.session.debug().iceServers)).toEqual([])
  }
  await expectTextBothWays(pageA, pageB, 'From A. ', 'From A2.')
})

test('two NATs, STUN only: direct through server-reflexive candidates, not relayed', async ({ lab, launch }) => {
  await startLabCoturn(lab, SECRET)
  const server = await startLabMeshpad(lab, { STUN_URLS: STUN })
  const [a, b] = await Promise.all([launch('a'), launch('b')])
  const { pageA, pageB, joinMs } = await joinRoom(a, b, server.url, 'Through STUN. ')
  console.log(`[figure] join, two NATs, STUN only: ${joinMs} ms`)
  for (const page of [pageA, pageB]) {
    const info = await expectPeerPath(page, 'direct')
    // The peer's address as first seen may be learnt from its checks (prflx) instead of signaling (srflx).
    expect(['srflx', 'prflx']).toContain(info.localType)
    expect(['srflx', 'prflx']).toContain(info.remoteType)
    expect(await page.evaluate(() => window.meshpad!.session.debug().iceServers)).toEqual([STUN])
    await expect(page.getByTestId('person-path')).toHaveText('direct')
  }
  await expectTextBothWays(pageA, pageB, 'From A. ', 'From B.')
})

test('routers that pass only traffic to the server host, TURN with a shared secret: through the relay both ways, and the page says so', async ({ lab, launch }) => {
  lab.restrict('ra', 'server-only')
  lab.restrict('rb', 'server-only')
  await startLabCoturn(lab, SECRET)
  const server = await startLabMeshpad(lab, { TURN_URLS: `turn:${PUBLIC.server}:${TURN_PORT}?transport=udp`, TURN_SECRET: SECRET })
  const [a, b] = await Promise.all([launch('a'), launch('b')])
  const { pageA, pageB, joinMs } = await joinRoom(a, b, server.url, 'Through the relay. ')
  console.log(`[figure] join, server host only, TURN/UDP: ${joinMs} ms`)
  // On its first attempt: B's page met A only once it knew its ICE servers (a connection without
  // TURN cannot come up here, and is retried only after its timeout).
  expect(await peerConnectionAttempts(pageB)).toBe(1)
  for (const page of [pageA, pageB]) {
    const info = await expectPeerPath(page, 'relay')
    // One relay candidate is enough: A's reflexive address may reach B's relay address, which
    // is on the server host too.
    expect([info.localType, info.remoteType]).toContain('relay')
    await expect(page.getByTestId('status-paths')).toContainText('1 through a relay')
    await expect(page.getByTestId('person-path')).toHaveText('through a relay')
  }
  await expectTextBothWays(pageA, pageB, 'From A. ', 'From B.')
})

test('UDP blocked altogether, TURN over TCP: connected through the relay', async ({ lab, launch }) => {
  lab.restrict('ra', 'no-udp')
  lab.restrict('rb', 'no-udp')
  await startLabCoturn(lab, SECRET)
  const server = await startLabMeshpad(lab, { TURN_URLS: `turn:${PUBLIC.server}:${TURN_PORT}?transport=tcp`, TURN_SECRET: SECRET })
  const [a, b] = await Promise.all([launch('a'), launch('b')])
  const { pageA, pageB, joinMs } = await joinRoom(a, b, server.url, 'Over TCP. ')
  console.log(`[figure] join, no UDP, TURN/TCP: ${joinMs} ms`)
  for (const page of [pageA, pageB]) {
    const info = await expectPeerPath(page, 'relay')
    expect([info.localType, info.remoteType]).toEqual(['relay', 'relay'])
    await expect(page.getByTestId('person-path')).toHaveText('through a relay')
  }
  await expectTextBothWays(pageA, pageB, 'From A. ', 'From B.')
})

test('two NATs, nothing configured: through the server’s relay (encrypted), and the page says so', async ({ lab, launch }) => {
  const server = await startLabMeshpad(lab)
  const [a, b] = await Promise.all([launch('a'), launch('b')])
  const pageA = await openPage(a, server.url)
  const opening = Date.now()
  const pageB = await openPage(b, pageA.url())
  for (const page of [pageA, pageB]) {
    await expect(page.getByTestId('person-path')).toHaveText('through the server (encrypted)', { timeout: 30_000 })
    await expect(page.getByTestId('status-paths')).toContainText('1 through the server (encrypted)')
    await expect(page.getByTestId('status-paths')).not.toContainText('Cannot reach')
    expect((await page.evaluate(() => window.meshpad!.session.debug())).webrtcConnected).toBe(0)
  }
  console.log(`[figure] linked through the server's relay, two NATs, nothing configured: ${Date.now() - opening} ms after B began to open`)
  await expectTextBothWays(pageA, pageB, 'From A. ', 'From B.')
})

test('two NATs, STUN blocked, then reachable mid-session: through the server’s relay first, then direct, and the text keeps flowing', async ({ lab, launch }) => {
  lab.restrict('ra', 'no-stun')
  lab.restrict('rb', 'no-stun')
  await startLabCoturn(lab, SECRET)
  const server = await startLabMeshpad(lab, { STUN_URLS: STUN })
  const [a, b] = await Promise.all([launch('a'), launch('b')])
  const pageA = await openPage(a, server.url)
  const pageB = await openPage(b, pageA.url())
  for (const page of [pageA, pageB]) await expect(page.getByTestId('person-path')).toHaveText('through the server (encrypted)', { timeout: 30_000 })
  await expectTextBothWays(pageA, pageB, 'Relayed. ', 'Relayed back.')

  lab.lift('ra')
  lab.lift('rb')
  const lifted = Date.now()
  // y-webrtc retries the peer once its attempt failed (with backoff); the new attempt finds the path.
  for (const page of [pageA, pageB]) {
    await expect(page.getByTestId('person-path')).toHaveText('direct', { timeout: 90_000 })
    await expect.poll(async () => (await page.evaluate(() => window.meshpad!.session.debug().serverRelayed)).length).toBe(0)
  }
  console.log(`[figure] from the server's relay to a direct path, STUN reachable mid-session: ${Date.now() - lifted} ms`)
  await expectTextBothWays(pageA, pageB, ' Direct now. ', 'Direct back.')
})

test('two NATs, nothing configured, the server’s relay turned off: the page says the peer cannot be reached, and what would help, within 30 s', async ({ lab, launch }) => {
  const server = await startLabMeshpad(lab, { SERVER_RELAY: 'off' })
  const [a, b] = await Promise.all([launch('a'), launch('b')])
  const pageA = await openPage(a, server.url)
  const pageB = await openPage(b, pageA.url())
  const opened = Date.now()
  for (const page of [pageA, pageB]) {
    await expect(page.getByTestId('status-paths')).toContainText('Cannot reach 1 person in the room', { timeout: 30_000 - (Date.now() - opened) })
    await expect(page.getByTestId('status-paths')).toContainText('configure a TURN relay')
    await expect(page.getByTestId('person-path')).toHaveText('could not connect')
    expect(Object.values(await page.evaluate(() => window.meshpad!.session.debug().paths)).map((info) => info.path)).toEqual(['failed'])
    expect((await page.evaluate(() => window.meshpad!.session.debug())).webrtcConnected).toBe(0)
  }
  console.log(`[figure] unreachable shown, two NATs, nothing configured, relay off: ${Date.now() - opened} ms after B opened`)
  expect(await pageA.evaluate(() => window.meshpad!.session.debug().serverRelayRefused)).toBe('off')
})

test('wrong TURN credentials: a clear state, no crash, no retry storm', async ({ lab, launch }) => {
  lab.restrict('ra', 'server-only')
  lab.restrict('rb', 'server-only')
  await startLabCoturn(lab, SECRET)
  // The server's relay would reach the peer anyway: off, so that what TURN does shows.
  const server = await startLabMeshpad(lab, { TURN_URLS: `turn:${PUBLIC.server}:${TURN_PORT}?transport=udp`, TURN_SECRET: 'not-the-secret', SERVER_RELAY: 'off' })
  const [a, b] = await Promise.all([launch('a'), launch('b')])
  const pageA = await openPage(a, server.url, countPeerConnections)
  const pageB = await openPage(b, pageA.url())
  const opened = Date.now()
  await expect(pageA.getByTestId('status-paths')).toContainText('Cannot reach 1 person in the room. The relay (TURN) refused its credentials', { timeout: 30_000 })
  // Still alive: the page edits, the signaling server stays connected.
  await pageA.getByTestId('status-signaling').getByText('Signaling server connected').waitFor()
  await pageB.locator('.cm-content').click()
  await pageB.keyboard.type('still editing')
  await expect.poll(() => pageB.evaluate(() => window.meshpad!.session.text.toString())).toContain('still editing')
  // No storm: every attempt lasts until ICE gives up or the connect timeout (30 s), and retries
  // back off. Absence of a storm is a count over a window of time, so this waits out the window.
  const rest = 45_000 - (Date.now() - opened)
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest))
  const attempts = await peerConnectionAttempts(pageA)
  console.log(`[figure] wrong TURN credentials: ${attempts} connection attempts by one page in 45 s; status: ${await pageA.getByTestId('status-paths').innerText()}`)
  expect(attempts).toBeGreaterThanOrEqual(1)
  expect(attempts).toBeLessThanOrEqual(4)
})

test('HTTPS with the server’s own certificate: the app loads as a secure context, connects, and works offline', async ({ lab, launch }) => {
  const { cert, key } = makeTestCertificate(`IP:${PUBLIC.server}`)
  const server = await startLabMeshpad(lab, { TLS_CERT_FILE: lab.file('cert.pem', cert), TLS_KEY_FILE: lab.file('key.pem', key) })
  expect(server.url).toBe(`https://${PUBLIC.server}:4444/`)
  // Trusts exactly this certificate's key, as a person trusting the server's own certificate would.
  const spki = createHash('sha256').update(new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' })).digest('base64')
  const trust = [`--ignore-certificate-errors-spki-list=${spki}`]
  const [a, a2] = await Promise.all([launch('a', trust), launch('a2', trust)])
  const { pageA, pageB, joinMs } = await joinRoom(a, a2, server.url, 'Over https. ')
  console.log(`[figure] join, https, same LAN: ${joinMs} ms`)
  for (const page of [pageA, pageB]) {
    expect(await page.evaluate(() => window.isSecureContext && location.protocol === 'https:')).toBe(true)
    await expectPeerPath(page, 'direct')
  }
  await expectTextBothWays(pageA, pageB, 'From A. ', 'From A2.')
  await waitForOfflineReady(pageB)
  await waitForSaved(pageB)
  const text = await pageB.evaluate(() => window.meshpad!.session.text.toString())

  await server.stop()
  const reloaded = await pageB.reload()
  expect(reloaded?.fromServiceWorker()).toBe(true)
  await expect.poll(() => pageB.evaluate(() => window.meshpad?.session.text.toString())).toBe(text)
  await typeAtEnd(pageB, ' Offline.')
  await waitForSaved(pageB)
  await expect(pageB.locator(EDITOR)).toContainText('Offline.')
})

test('plain http on a LAN address: the page says it is not a secure context, and what to do', async ({ lab, launch }) => {
  const server = await startLabMeshpad(lab)
  const browser = await launch('a', [])
  const page = await (await browser.newContext()).newPage()
  await page.goto(`${server.url}#some-room`)
  const message = page.getByTestId('insecure-context')
  await expect(message).toContainText('Meshpad cannot run on this address')
  await expect(message).toContainText(`https://${PUBLIC.server}:4444/#some-room`)
  await expect(message).toContainText('localhost')
  expect(await page.evaluate(() => window.meshpad)).toBeUndefined()
})
