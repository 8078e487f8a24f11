import type { Browser, Page } from '@playwright/test'
import { closePeers, openRoom, pause, probeState, timeOrigin, type BenchPeer } from './benchPeers.ts'
import type { DataChannelCounts } from './pageProbe.ts'

/**
 * Typing latency between peers, the method (bench/typing.bench.ts and bench/stock.bench.ts use
 * it): a real key press in A (Chromium input via the DevTools protocol) → the character in each
 * other peer's editor DOM, each peer its own browser context, over real WebRTC.
 *
 * Clock: pages on one machine share one, `performance.timeOrigin + performance.now()`. A stamps
 * each keydown (a capturing listener on window, registered before the app's) by the text length
 * it will produce; each receiver stamps the first DOM mutation of its editor that shows that
 * length (a MutationObserver on `.cm-content`; CodeMirror writes its DOM synchronously when it
 * applies a change). Only A types, at the end, one character per key. Works on any page that
 * exposes `window.meshpad.session` (`doc`, `text`): Meshpad and the stock stack's page.
 */
export const TYPING_WARMUP_KEYS = 10
export const TYPING_KEYS = 200
/** Between key presses: a fast typist (25 keys/s), not a burst. */
export const TYPING_PACE_MS = 40

interface Stamps {
  [length: string]: number
}

async function stampKeydowns(page: Page): Promise<void> {
  await page.evaluate(() => {
    const session = window.meshpad?.session
    if (!session) throw new Error('no session')
    const keydown: Record<number, number> = {}
    const localUpdate: Record<number, number> = {}
    const sent: Record<number, number> = {}
    Object.assign(window, { typingBench: { keydown, localUpdate, sent } })
    window.addEventListener('keydown', () => void (keydown[session.text.length + 1] = performance.now()), { capture: true })
    // The first data-channel send once the text has a length: the update leaving A. The page's
    // probe sees every send (the app's channels keep the `send` they were made with).
    const probe = (window as unknown as { __bench: { onSend: (() => void) | null } }).__bench
    probe.onSend = () => void (sent[session.text.length] ??= performance.now())
    session.doc.on('beforeTransaction', (transaction: { local: boolean }) => {
      if (transaction.local) localUpdate[session.text.length + 1] ??= performance.now()
    })
  })
}

async function stampArrivals(page: Page): Promise<void> {
  await page.evaluate(() => {
    const session = window.meshpad?.session
    if (!session) throw new Error('no session')
    const received: Record<number, number> = {}
    const rendered: Record<number, number> = {}
    Object.assign(window, { typingBench: { received, rendered } })
    // Duplicates (relayed copies of an update already applied) are transactions too; only
    // one that made the text longer counts as the arrival.
    let startedAt = 0
    session.doc.on('beforeTransaction', () => void (startedAt = performance.now()))
    session.doc.on('afterTransaction', () => void (received[session.text.length] ??= startedAt))
    new MutationObserver(() => void (rendered[session.text.length] ??= performance.now())).observe(
      document.querySelector('.cm-content') as Node,
      { childList: true, subtree: true, characterData: true },
    )
  })
}

async function readStamps(page: Page): Promise<Record<string, Stamps>> {
  return page.evaluate(() => (window as unknown as { typingBench: Record<string, Record<string, number>> }).typingBench)
}

/**
 * The stamp of `length`, or, when that length never showed alone (two characters applied in one
 * task, e.g. after the receiver stalled), of the first later length that did: the character
 * arrived (or was drawn) then at the latest.
 */
function firstFrom(stamps: Stamps | undefined, length: number, end: number): number | undefined {
  for (let at = length; at <= end; at++) {
    const stamp = stamps?.[at]
    if (stamp !== undefined) return stamp
  }
  return undefined
}

/** Samples of one room, in ms: the total and its three stages, one per (key, receiver). */
export interface TypingLatency {
  latencies: number[]
  inputToUpdate: number[]
  /** A's Yjs transaction → A's first data-channel send after it (signing, A's other observers). */
  updateToSent: number[]
  updateToReceived: number[]
  receivedToRendered: number[]
  /**
   * What A passed to its data channels during the measured keys, by message type (the probe's
   * counts: y-webrtc's `sync`, `awareness`…, Meshpad's signed sync as `type-77`), and the keys.
   */
  sent: { keys: number; links: number; byType: DataChannelCounts['byType'] }[]
}

/** The samples of several rooms as one. */
export function mergedTypingLatency(parts: readonly TypingLatency[]): TypingLatency {
  return {
    latencies: parts.flatMap((part) => part.latencies),
    inputToUpdate: parts.flatMap((part) => part.inputToUpdate),
    updateToSent: parts.flatMap((part) => part.updateToSent),
    updateToReceived: parts.flatMap((part) => part.updateToReceived),
    receivedToRendered: parts.flatMap((part) => part.receivedToRendered),
    sent: parts.flatMap((part) => part.sent),
  }
}

/** A's sends of one kind of message per key press and receiving peer: `bytes` and `messages`. */
export function sentPerKey(result: TypingLatency, types: (type: string) => boolean): { bytes: number; messages: number } {
  let [bytes, messages, keys] = [0, 0, 0]
  for (const part of result.sent) {
    keys += part.keys * part.links
    for (const [type, count] of Object.entries(part.byType)) {
      if (!types(type)) continue
      bytes += count.bytes
      messages += count.messages
    }
  }
  return { bytes: bytes / keys, messages: messages / keys }
}

/** Document messages: y-webrtc's sync (type 0) and Meshpad's signed sync (0x4D). */
export const DOCUMENT_MESSAGES = (type: string): boolean => type === 'sync' || type === 'type-77'

/** Opens the room of `size` peers a measurement types in (default: a full WebRTC mesh, see `openRoom`). */
export type RoomOpener = (browser: Browser, url: string, size: number) => Promise<BenchPeer[]>

/**
 * Opens a room of `size` peers at `url` (a page with no room yet), types `keys` measured keys in
 * one, closes them; `during` runs around the measured keys (e.g. to read the server's counters).
 */
export async function measureTypingLatency(
  browser: Browser,
  url: string,
  size: number,
  keys = TYPING_KEYS,
  open: RoomOpener = openRoom,
  during: { before?: () => Promise<void>; after?: () => Promise<void> } = {},
): Promise<TypingLatency> {
  const peers = await open(browser, url, size)
  try {
    const [a, ...others] = peers as [(typeof peers)[0], ...typeof peers]
    await stampKeydowns(a.page)
    await Promise.all(others.map((peer) => stampArrivals(peer.page)))
    await a.page.locator('.cm-content').click()
    await a.page.keyboard.press('Control+End')
    const start = await a.page.evaluate(() => window.meshpad?.session.text.length ?? 0)
    let sendsBefore: DataChannelCounts['byType'] = {}
    for (let i = 0; i < TYPING_WARMUP_KEYS + keys; i++) {
      if (i === TYPING_WARMUP_KEYS) {
        await during.before?.()
        sendsBefore = (await probeState(a.page)).sends.byType
      }
      await a.page.keyboard.press(String.fromCharCode(97 + (i % 26)))
      await pause(TYPING_PACE_MS)
    }
    const end = start + TYPING_WARMUP_KEYS + keys
    await Promise.all(
      others.map((peer) => peer.page.waitForFunction((n) => window.meshpad?.session.text.length === n, end, { timeout: 30_000 })),
    )
    await during.after?.()
    const byType: DataChannelCounts['byType'] = {}
    for (const [type, count] of Object.entries((await probeState(a.page)).sends.byType)) {
      const before = sendsBefore[type] ?? { messages: 0, bytes: 0 }
      byType[type] = { messages: count.messages - before.messages, bytes: count.bytes - before.bytes }
    }
    const sender = await readStamps(a.page)
    const senderOrigin = await timeOrigin(a.page)
    const result: TypingLatency = {
      latencies: [],
      inputToUpdate: [],
      updateToSent: [],
      updateToReceived: [],
      receivedToRendered: [],
      sent: [{ keys, links: others.length, byType }],
    }
    for (let length = start + TYPING_WARMUP_KEYS + 1; length <= end; length++) {
      const keydown = sender.keydown?.[length]
      const local = sender.localUpdate?.[length]
      if (keydown === undefined || local === undefined) throw new Error(`A recorded no keydown/update for length ${length}`)
      result.inputToUpdate.push(local - keydown)
      const sent = sender.sent?.[length]
      if (sent !== undefined) result.updateToSent.push(sent - local)
    }
    for (const peer of others) {
      const stamps = await readStamps(peer.page)
      const offset = (await timeOrigin(peer.page)) - senderOrigin
      for (let length = start + TYPING_WARMUP_KEYS + 1; length <= end; length++) {
        const keydown = sender.keydown?.[length] as number
        const local = sender.localUpdate?.[length] as number
        const received = firstFrom(stamps.received, length, end)
        const rendered = firstFrom(stamps.rendered, length, end)
        if (received === undefined || rendered === undefined) throw new Error(`a receiver never showed length ${length}`)
        result.latencies.push(rendered + offset - keydown)
        result.updateToReceived.push(received + offset - local)
        result.receivedToRendered.push(rendered - received)
      }
    }
    return result
  } finally {
    await closePeers(peers)
  }
}
