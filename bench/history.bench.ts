import * as Y from 'yjs'
import { restoreVersion } from '../src/document/history/restoreVersion.ts'
import { listVersions, recordVersion, versionSnapshot, versionsArray } from '../src/document/history/versionList.ts'
import { versionText } from '../src/document/history/versionText.ts'
import { percentiles, writeBenchResult, type BenchRow } from './support/benchResult.ts'
import { latencyCell, newPeerContext, withStage } from './support/benchPeers.ts'
import type { ProbeWindow } from './support/pageProbe.ts'
import { newRoomSecret, seedRoom } from './support/seedRoom.ts'
import { loadTrace, TRACE_CLIENT_ID, TRACE_CREDIT, traceDoc, type Trace } from './support/traceDocument.ts'

/**
 * The cost of history on the automerge-paper trace:
 * the trace replayed with a version every EVERY edits, against the same replay without history.
 * Sizes, reopen (Node, and Chromium from IndexedDB), showing any version, restoring.
 */
const EVERY = 2_000
const REOPENS = 5
const RESTORES = 5
/** In the History view, every this many versions of the list is shown (and the oldest). */
const SHOW_EVERY = 8

function replay(trace: Trace, doc: Y.Doc, versions: boolean): { fullSnapshotBytes: number; recordMs: number[] } {
  const text = doc.getText('content')
  let fullSnapshotBytes = 0
  const recordMs: number[] = []
  trace.patches.forEach(([position, deleteCount, insert], index) => {
    if (deleteCount > 0) text.delete(position, deleteCount)
    if (insert) text.insert(position, insert)
    if (versions && (index + 1) % EVERY === 0) {
      const started = performance.now()
      recordVersion(doc, { by: 'Martin', authors: ['Martin'], kind: 'auto', time: index })
      recordMs.push(performance.now() - started)
      // What one full snapshot per version would have cost instead (the delta design's anchor).
      fullSnapshotBytes += Y.encodeSnapshotV2(Y.snapshot(doc)).byteLength
    }
  })
  return { fullSnapshotBytes, recordMs }
}

const historyDoc = (): Y.Doc => {
  const doc = new Y.Doc({ gc: false })
  doc.clientID = TRACE_CLIENT_ID
  return doc
}

const trace = loadTrace()
const plain = traceDoc()
replay(trace, plain, false)
const deletesKept = historyDoc()
replay(trace, deletesKept, false)
const withHistory = historyDoc()
const { fullSnapshotBytes, recordMs } = replay(trace, withHistory, true)
if (withHistory.getText('content').toString() !== trace.endContent) throw new Error('the replay with history differs from the trace')

const size = (doc: Y.Doc) => ({ v1: Y.encodeStateAsUpdate(doc).byteLength, v2: Y.encodeStateAsUpdateV2(doc).byteLength })
const sizes = { plain: size(plain), deletesKept: size(deletesKept), withHistory: size(withHistory) }
const versions = listVersions(withHistory)
const deltaBytes = versionsArray(withHistory)
  .toArray()
  .reduce<number>((sum, entry) => sum + (entry as { snapshot: Uint8Array }).snapshot.byteLength, 0)

// Reopen in Node: decode and apply the stored state into a fresh doc, then read the text.
const stored = Y.encodeStateAsUpdate(withHistory)
const storedPlain = Y.encodeStateAsUpdate(plain)
function reopenInNode(update: Uint8Array, gc: boolean): number[] {
  const times: number[] = []
  for (let i = 0; i < REOPENS; i++) {
    const started = performance.now()
    const doc = new Y.Doc({ gc })
    Y.applyUpdate(doc, update)
    if (doc.getText('content').toString() !== trace.endContent) throw new Error('reopened text differs')
    times.push(performance.now() - started)
    doc.destroy()
  }
  return times
}
const reopenPlainMs = reopenInNode(storedPlain, true)
const reopenMs = reopenInNode(stored, false)

// Show every version: list, full snapshot, rebuild, text.
const showMs: number[] = []
// One rebuild first, so the figures are not the JIT's first compilation.
versionText(withHistory, versionSnapshot(versions, versions.at(-1) as (typeof versions)[0]))
for (const version of versions) {
  const started = performance.now()
  versionText(withHistory, versionSnapshot(listVersions(withHistory), version))
  showMs.push(performance.now() - started)
}

// Restore the oldest, a middle and the newest versions, each into a fresh copy of the document.
const picks = { oldest: versions[0], middle: versions[Math.floor(versions.length / 2)], newest: versions.at(-1) }
const restoreMs: Record<string, number[]> = { oldest: [], middle: [], newest: [] }
for (let i = 0; i < RESTORES; i++) {
  for (const [name, version] of Object.entries(picks)) {
    if (version === undefined) continue
    const doc = new Y.Doc({ gc: false })
    Y.applyUpdate(doc, stored)
    const expected = versionText(doc, versionSnapshot(listVersions(doc), version))
    const started = performance.now()
    restoreVersion(doc, version, { name: 'bench', authors: ['bench'] })
    restoreMs[name]?.push(performance.now() - started)
    if (doc.getText('content').toString() !== expected) throw new Error('restored text differs from the version')
    doc.destroy()
  }
}

/**
 * Reopens in Chromium: the workspace opening → full text in the editor, and from navigation
 * start (the page's 0): the stored copy read, the workspace opening, the session published, the
 * full text in the editor.
 */
interface Reopens {
  total: number[]
  read: number[]
  workspace: number[]
  session: number[]
  full: number[]
}
const noReopens = (): Reopens => ({ total: [], read: [], workspace: [], session: [], full: [] })

// Reopen in Chromium: the document with history stored as the local copy, opened by the app.
const chromiumLoads = await withStage(async ({ browser, server }) => {
  const loads = async (update: Uint8Array, into: Reopens): Promise<void> => {
    const secret = newRoomSecret()
    const context = await newPeerContext(browser, { editorLength: trace.endContent.length })
    await seedRoom(context, server.url, secret, update)
    for (let i = 0; i < REOPENS; i++) {
      const page = await context.newPage()
      await page.goto(`${server.url}#${secret}`)
      await page.waitForFunction(() => (window as unknown as ProbeWindow).__bench.editorFullAt !== null, undefined, { timeout: 60_000 })
      const { workspaceAt, sessionAt, storedReadAt, editorFullAt } = await page.evaluate(() => (window as unknown as ProbeWindow).__bench)
      if (workspaceAt === null || sessionAt === null || storedReadAt === null || editorFullAt === null) throw new Error('the probe missed the workspace, the session, the read or the editor')
      into.total.push(editorFullAt - workspaceAt)
      into.read.push(storedReadAt)
      into.workspace.push(workspaceAt)
      into.session.push(sessionAt)
      into.full.push(editorFullAt)
      await page.close()
    }
    await context.close()
  }
  // Taking turns, so both see the same load on the machine.
  const plain = noReopens()
  const history = noReopens()
  for (let round = 0; round < 4; round++) {
    // Each goes first in every other round, so neither always follows the other's work.
    if (round % 2 === 0) await loads(storedPlain, plain)
    await loads(stored, history)
    if (round % 2 === 1) await loads(storedPlain, plain)
  }

  // Show versions in the History view: every SHOW_EVERY-th of the list, and the oldest.
  const context = await newPeerContext(browser, { editorLength: trace.endContent.length })
  const secret = newRoomSecret()
  await seedRoom(context, server.url, secret, stored)
  const page = await context.newPage()
  await page.goto(`${server.url}#${secret}`)
  await page.waitForFunction(() => (window as unknown as ProbeWindow).__bench.editorFullAt !== null, undefined, { timeout: 60_000 })
  await page.getByRole('button', { name: 'History' }).click()
  const entries = page.getByRole('dialog', { name: 'History' }).getByTestId('version-entry')
  await entries.first().waitFor()
  const count = await entries.count()
  const picks = [...Array.from({ length: Math.ceil(count / SHOW_EVERY) }, (_, k) => k * SHOW_EVERY), count - 1]
  const shown: number[] = []
  for (const index of picks) {
    shown.push(
      await page.evaluate(async (at) => {
        type ViewLike = { state: { doc: unknown } }
        const versionView = (): ViewLike | null => {
          const content = document.querySelector('[data-testid=version-view] .cm-content') as (Element & { cmTile?: { root?: { view?: ViewLike } } }) | null
          return content?.cmTile?.root?.view ?? null
        }
        const button = document.querySelectorAll('[data-testid=version-entry] button')[at] as HTMLButtonElement
        const before = versionView()?.state.doc
        const started = performance.now()
        button.click()
        // The version view holds a new text (the chosen version's), then the frame that paints it.
        await new Promise<void>((resolve) => {
          const check = (): void => {
            const doc = versionView()?.state.doc
            requestAnimationFrame(doc !== undefined && doc !== before ? () => resolve() : check)
          }
          check()
        })
        return performance.now() - started
      }, index),
    )
  }
  await context.close()
  return { plain, history, shown }
})

const b = (bytes: number): string => `${bytes.toLocaleString('en')} B`
const ratio = (a: number, base: number): string => `${(a / base).toFixed(2)}×`
const show = percentiles(showMs)
const record = percentiles(recordMs)
const restore = Object.fromEntries(Object.entries(restoreMs).map(([name, times]) => [name, percentiles(times)]))
const reopen = percentiles(reopenMs)
const reopenPlain = percentiles(reopenPlainMs)
const shownInView = percentiles(chromiumLoads.shown)
const chromium = percentiles(chromiumLoads.history.total)
const chromiumPlain = percentiles(chromiumLoads.plain.total)
const parts = (reopens: Reopens): string => [reopens.read, reopens.workspace, reopens.session, reopens.full].map((times) => percentiles(times).p50.toFixed(0)).join(' / ') + ' ms'
const p50 = (summary: { p50: number } | undefined): string => (summary === undefined ? 'n/a' : `${summary.p50.toFixed(0)} ms`)
const rows: BenchRow[] = [
  { figure: `versions recorded (one every ${EVERY.toLocaleString('en')} edits)`, meshpad: String(versions.length), anchor: '—', target: '—' },
  { figure: 'encoded document without history (gc on), v1 / v2', meshpad: `${b(sizes.plain.v1)} / ${b(sizes.plain.v2)}`, anchor: 'issue: 159,918 B (v2)', target: '—' },
  { figure: 'deletions kept (gc off), no versions, v1 / v2', meshpad: `${b(sizes.deletesKept.v1)} / ${b(sizes.deletesKept.v2)}`, anchor: 'issue: 226,970 B (v2)', target: '—' },
  { figure: 'with history (gc off + versions), v1 / v2', meshpad: `${b(sizes.withHistory.v1)} / ${b(sizes.withHistory.v2)} (${ratio(sizes.withHistory.v1, sizes.plain.v1)} / ${ratio(sizes.withHistory.v2, sizes.plain.v2)})`, anchor: '—', target: '≤ 3× without history' },
  { figure: 'IndexedDB bytes after compaction (= the v1 encoded state the storage layer writes)', meshpad: `${b(sizes.withHistory.v1)} (${ratio(sizes.withHistory.v1, sizes.plain.v1)} of ${b(sizes.plain.v1)})`, anchor: '—', target: '≤ 3×' },
  { figure: 'snapshots as stored (deletions since the version before) vs one full snapshot per version', meshpad: `${b(deltaBytes)} vs ${b(fullSnapshotBytes)}`, anchor: 'issue: one full snapshot 10,587 B', target: '—' },
  { figure: 'reopen in Chromium: the page opening its workspace (session) → full text in the editor, from IndexedDB (p50 / p95 / p99)', meshpad: latencyCell(chromium), anchor: `same document without history, same run: ${latencyCell(chromiumPlain)}`, target: '≤ 200 ms' },
  { figure: 'reopen in Chromium, p50 from navigation start: stored copy read / workspace opening / session published / full text in the editor', meshpad: parts(chromiumLoads.history), anchor: `without history: ${parts(chromiumLoads.plain)}`, target: '—' },
  { figure: 'reopen in Node: decode + apply into a fresh doc (p50 / p95 / p99)', meshpad: latencyCell(reopen), anchor: `without history: ${latencyCell(reopenPlain)}`, target: '≤ 200 ms' },
  { figure: `show a version: rebuild its text, every version (p50 / p95 / max of ${show.n})`, meshpad: `${show.p50.toFixed(1)} / ${show.p95.toFixed(1)} / ${show.max.toFixed(1)} ms`, anchor: '—', target: '≤ 100 ms' },
  { figure: `show a version in the History view, Chromium: click → its text painted with what changed since (p50 / max of ${shownInView.n})`, meshpad: `${shownInView.p50.toFixed(0)} / ${shownInView.max.toFixed(0)} ms`, anchor: '—', target: '≤ 100 ms' },
  { figure: `record a version (p50 / p95 / max of ${record.n}, growing document)`, meshpad: `${record.p50.toFixed(1)} / ${record.p95.toFixed(1)} / ${record.max.toFixed(1)} ms`, anchor: '—', target: '—' },
  { figure: `restore the oldest / a middle / the newest version (p50 of ${RESTORES} each)`, meshpad: `${p50(restore.oldest)} / ${p50(restore.middle)} / ${p50(restore.newest)}`, anchor: '—', target: '—' },
]

writeBenchResult({
  name: 'history',
  title: 'Version history',
  rows,
  summary: { record, sizes, deltaBytes, fullSnapshotBytes, versions: versions.length, show, shownInView, restore, reopen, reopenPlain, chromium, chromiumPlain },
  samples: { recordMs, showMs, restoreMs, reopenMs, reopenPlainMs, chromiumLoads },
  notes: [
    `The automerge-paper trace replayed in Node, one transaction per edit, with a fixed client id; "with history" records a version (\`recordVersion\`) every ${EVERY.toLocaleString('en')} edits, as an automatic version would. ${TRACE_CREDIT}`,
    'How snapshots are stored: each version holds `Y.encodeSnapshotV2` of its state vector and of the deletions since the version before it (its base) only; a version\'s full delete set is the union along its chain of bases. One full snapshot per version would grow with every deletion ever made, each time.',
    'IndexedDB bytes: once the storage layer compacts, the room\'s `updates` store holds one record, `Y.encodeStateAsUpdate(doc)` (v1), so its bytes are the v1 size above.',
    'Reopen in Chromium: the v1 state stored as the room\'s IndexedDB copy (as the storage layer leaves it after compacting), a new page of the same context each time, the documents with and without history taking turns (four rounds of five each, each first in every other round), from the page opening its workspace (its call to open the document library\'s database, right before the session opens; the session\'s opening applies the stored copy) to CodeMirror holding the whole text (production build, service workers blocked). Node: `Y.applyUpdate` into a fresh gc-off doc.',
    'Reopen, from navigation start: "stored copy read" is when the first IndexedDB read of the room\'s `updates` returned: /early-copy.js\'s, made while the app\'s script loads; "workspace opening" as above; "session published" when `window.meshpad` is set, after the session applied the stored copy; then the editor built with the whole text.',
    `Show a version in the History view: the document with history opened in Chromium, History opened, then every ${SHOW_EVERY}th version of the list and the oldest chosen in turn, from the click to the animation frame after the version's view holds its text (rebuilt, in the unified @codemirror/merge view against the text now).`,
    'Show a version: `listVersions` + `versionSnapshot` + `rebuildVersion` (one walk over the live text\'s items, keeping what the snapshot saw and had not deleted; no document is rebuilt), in Node, after one warm-up rebuild, without the view (the History view renders it with @codemirror/merge on top). Restore: the same rebuild, a one-span diff (`lib0/diff`) and the edit, in one transaction, plus recording the restore as a version.',
  ],
})
