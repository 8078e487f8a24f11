import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { closePeers, latencyCell, openRoom, withStage } from './support/benchPeers.ts'

/**
 * The cost of read-only links' signatures on their own, in Chromium's WebCrypto: Ed25519 signing
 * of one keystroke's Yjs update (what a writer does before sending it) and verifying it (what each
 * receiver does before applying it), one at a time with typing's pace between them, in the page
 * of a live Meshpad room (so the main thread is as busy as in use). Each time runs from the call
 * to the resolved promise: the work on WebCrypto's thread and the hop back to the main thread.
 */
const WARMUP = 20
const SAMPLES = 300
const PACE_MS = 20

const result = await withStage(async ({ browser, server }) => {
  const peers = await openRoom(browser, server, 2)
  try {
    const [a] = peers as [(typeof peers)[0]]
    return await a.page.evaluate(
      async ({ warmup, samples, pace }) => {
        const session = window.meshpad?.session
        if (!session) throw new Error('no session')
        // One real keystroke's update, signed as the signed sync signs it (label, topic, update).
        let update: Uint8Array | null = null
        const capture = (bytes: Uint8Array): void => void (update = bytes)
        session.doc.on('update', capture)
        session.text.insert(session.text.length, 'x')
        session.doc.off('update', capture)
        if (update === null) throw new Error('no update')
        const prefix = new TextEncoder().encode(`meshpad/v2/update\0${session.topic}\0`)
        const signed = new Uint8Array(prefix.length + (update as Uint8Array).length)
        signed.set(prefix)
        signed.set(update as Uint8Array, prefix.length)
        const keys = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair
        const sign: number[] = []
        const verify: number[] = []
        for (let i = 0; i < warmup + samples; i++) {
          await new Promise((resolve) => setTimeout(resolve, pace))
          const t0 = performance.now()
          const signature = await crypto.subtle.sign('Ed25519', keys.privateKey, signed)
          const t1 = performance.now()
          const ok = await crypto.subtle.verify('Ed25519', keys.publicKey, signature, signed)
          const t2 = performance.now()
          if (!ok) throw new Error('a signature did not verify')
          if (i < warmup) continue
          sign.push(t1 - t0)
          verify.push(t2 - t1)
        }
        return { sign, verify, updateBytes: (update as Uint8Array).length }
      },
      { warmup: WARMUP, samples: SAMPLES, pace: PACE_MS },
    )
  } finally {
    await closePeers(peers)
  }
})

const sign = percentiles(result.sign)
const verify = percentiles(result.verify)
const both = percentiles(result.sign.map((value, i) => value + (result.verify[i] as number)))
console.log(`[bench] signing: sign ${latencyCell(sign)}; verify ${latencyCell(verify)}`)
const rows: BenchRow[] = [
  { figure: 'Ed25519 sign of one keystroke update, WebCrypto in the page (p50 / p95 / p99)', meshpad: latencyCell(sign), anchor: '—', target: '—' },
  { figure: 'Ed25519 verify of one keystroke update, WebCrypto in the page (p50 / p95 / p99)', meshpad: latencyCell(verify), anchor: '—', target: '—' },
  { figure: 'sign + verify: what signatures add to typing A → B (p50 / p95 / p99)', meshpad: latencyCell(both), anchor: '—', target: 'p50 ≤ 1 ms' },
]
writeBenchResult({
  name: 'signing',
  title: 'Signatures of read-only links',
  rows,
  summary: { sign, verify, signPlusVerify: both, updateBytes: result.updateBytes },
  samples: result,
  notes: [
    `${SAMPLES} sign-then-verify pairs after ${WARMUP} unmeasured ones, one every ${PACE_MS} ms, of one keystroke's Yjs update (${result.updateBytes} bytes) with the signed label and topic, in the page of a live two-peer room.`,
    'Each time runs from the WebCrypto call to its resolved promise: the work on WebCrypto\'s thread plus the task that brings the result back to the main thread. The typing benchmark measures the same path end to end (signed and unsigned rooms side by side).',
  ],
})
