import type { Browser } from '@playwright/test'
import { openPage } from '../e2e/support/labPeers.ts'
import { launchIn, startLabCoturn, startLabMeshpad, TURN_PORT, treatLabOriginAsSecure } from '../e2e/support/labServers.ts'
import { NetLab, PUBLIC, type LabHost, type LabRouter, type RouterRule } from '../e2e/support/netns.ts'
import { typeAtEnd } from '../e2e/support/peer.ts'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'

/**
 * Joining across networks (as root: network namespaces, see e2e/support/netns.ts): for each
 * scenario of e2e/networkPaths.spec.ts, a peer stays in a room and a newcomer (fresh browser
 * context) opens the link RUNS times: from its navigation to the stayer's text in its document
 * (the first synced text), and what the page then says about the path. With no path, the time
 * until the page says the peer cannot be reached.
 */
const RUNS = 5
const SECRET = 'bench-turn-secret'

interface Scenario {
  readonly name: string
  readonly hosts: readonly [LabHost, LabHost]
  readonly env: Readonly<Record<string, string>>
  readonly rules?: RouterRule
  readonly coturn?: boolean
  /** No path exists: measure the time to the page saying so. */
  readonly unreachable?: boolean
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'same LAN, nothing configured', hosts: ['a', 'a2'], env: {} },
  { name: 'two NATs, STUN_URLS', hosts: ['a', 'b'], env: { STUN_URLS: `stun:${PUBLIC.server}:${TURN_PORT}` }, coturn: true },
  { name: 'server host only, TURN/UDP + TURN_SECRET', hosts: ['a', 'b'], rules: 'server-only', coturn: true, env: { TURN_URLS: `turn:${PUBLIC.server}:${TURN_PORT}?transport=udp`, TURN_SECRET: SECRET } },
  { name: 'UDP blocked, TURN/TCP + TURN_SECRET', hosts: ['a', 'b'], rules: 'no-udp', coturn: true, env: { TURN_URLS: `turn:${PUBLIC.server}:${TURN_PORT}?transport=tcp`, TURN_SECRET: SECRET } },
  { name: 'two NATs, nothing configured', hosts: ['a', 'b'], env: {}, unreachable: true },
]

async function once(newcomer: Browser, link: string, scenario: Scenario): Promise<{ ms: number; says: string }> {
  const context = await newcomer.newContext()
  try {
    const page = await context.newPage()
    const started = Date.now()
    await page.goto(link)
    if (scenario.unreachable === true) {
      await page.getByTestId('status-paths').filter({ hasText: 'Cannot reach' }).waitFor({ timeout: 60_000 })
    } else {
      await page.waitForFunction(() => window.meshpad?.session.text.toString().startsWith('Stayer.') === true, undefined, { timeout: 60_000, polling: 20 })
    }
    const ms = Date.now() - started
    await page.getByTestId('person-path').first().waitFor()
    await page.waitForFunction(() => Object.values(window.meshpad?.session.debug().paths ?? {}).some((info) => info.path !== 'connecting'), undefined, { timeout: 30_000 })
    const person = await page.getByTestId('person-path').first().innerText()
    const status = (await page.getByTestId('status-paths').count()) > 0 ? await page.getByTestId('status-paths').innerText() : ''
    return { ms, says: [person, status].filter((text) => text !== '').join(' | ') }
  } finally {
    await context.close()
  }
}

async function measure(scenario: Scenario): Promise<{ samples: number[]; says: string[] }> {
  const lab = NetLab.create()
  const browsers: Browser[] = []
  try {
    if (scenario.rules !== undefined) for (const router of ['ra', 'rb'] as LabRouter[]) lab.restrict(router, scenario.rules)
    if (scenario.coturn === true) await startLabCoturn(lab, SECRET)
    const server = await startLabMeshpad(lab, scenario.env)
    const [stayerBrowser, newcomer] = await Promise.all(scenario.hosts.map((host) => launchIn(lab, host, [treatLabOriginAsSecure()])))
    browsers.push(stayerBrowser!, newcomer!)
    const stayer = await openPage(stayerBrowser!, server.url)
    await typeAtEnd(stayer, 'Stayer.')
    const samples: number[] = []
    const says: string[] = []
    for (let run = 0; run < RUNS; run++) {
      const result = await once(newcomer!, stayer.url(), scenario)
      samples.push(result.ms)
      says.push(result.says)
      console.log(`[bench] ${scenario.name} #${run + 1}: ${result.ms} ms — ${result.says}`)
    }
    return { samples, says }
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()))
    await lab.destroy()
  }
}

const rows: BenchRow[] = []
const summary: Record<string, unknown> = {}
const samples: Record<string, unknown> = {}
for (const scenario of SCENARIOS) {
  const measured = await measure(scenario)
  const p = percentiles(measured.samples)
  const figure = scenario.unreachable === true ? `${scenario.name}: link opened → "cannot reach" shown` : `${scenario.name}: link opened → first synced text`
  rows.push({ figure, meshpad: `${p.p50} ms median (n=${p.n}, max ${p.max}); page: ${measured.says.at(-1) ?? ''}`, anchor: '—', target: scenario.unreachable === true ? '≤ 30 s' : '—' })
  summary[scenario.name] = p
  samples[scenario.name] = measured
}

writeBenchResult({
  name: 'networkPaths',
  title: 'Connecting across networks (network namespaces: NAT routers, coturn)',
  rows,
  summary,
  samples,
  notes: [
    'Each scenario in its own set of network namespaces made for the run (e2e/support/netns.ts): a public network with the Meshpad server and coturn, browsers behind nftables masquerade routers. Run as root.',
    'The stayer keeps the room open; each run is a newcomer in a fresh browser context (nothing stored or cached), from navigation to the stayer\'s text in its document.',
  ],
})
