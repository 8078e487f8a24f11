import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { gunzipSync } from 'node:zlib'
import * as Y from 'yjs'

/**
 * The automerge-paper editing trace (Martin Kleppmann, via Joseph Gentle's editing-traces, CC BY
 * 4.0): 259,778 single edits typing a 104,852-character LaTeX paper. Read from `bench/data/traces/`
 * (with its licence and credit), or from the folder `MESHPAD_TRACES` points at.
 */
export const TRACE_CREDIT =
  'Trace: automerge-paper (Martin Kleppmann; editing-traces by Joseph Gentle), CC BY 4.0.'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const CACHE_DIR = `${ROOT}node_modules/.cache/meshpad-bench/`
const TRACES_DIR = fileURLToPath(new URL('../data/traces', import.meta.url))

/**
 * The Yjs client id the replays in Node use. Encoded sizes depend on it (every reference to
 * an earlier item carries it as a varint): 15 of 16 random ids take 5 bytes, as this one does.
 */
export const TRACE_CLIENT_ID = 3_000_000_000

/** A Y.Doc with the fixed client id of trace replays. */
export function traceDoc(): Y.Doc {
  const doc = new Y.Doc()
  doc.clientID = TRACE_CLIENT_ID
  return doc
}

export interface Trace {
  endContent: string
  /** `[position, deleteCount, insertText]`, in order. */
  patches: [number, number, string][]
}

/** The automerge-paper trace file: in `MESHPAD_TRACES` if set, else the repository's copy. */
export function tracePath(): string {
  const dir = process.env.MESHPAD_TRACES || TRACES_DIR
  const path = `${dir}/automerge-paper.json.gz`
  if (!existsSync(path)) {
    throw new Error(`Editing trace not found at ${path}. Set MESHPAD_TRACES to the folder holding automerge-paper.json.gz.`)
  }
  return path
}

export function loadTrace(): Trace {
  const raw = JSON.parse(gunzipSync(readFileSync(tracePath())).toString()) as {
    endContent: string
    txns: { patches: [number, number, string][] }[]
  }
  return { endContent: raw.endContent, patches: raw.txns.flatMap((txn) => txn.patches) }
}

/** Applies every patch to `text` as its own transaction, as crdt-benchmarks' B4 does. */
export function replayInto(text: Y.Text, trace: Trace): void {
  for (const [position, deleteCount, insert] of trace.patches) {
    if (deleteCount > 0) text.delete(position, deleteCount)
    if (insert) text.insert(position, insert)
  }
}

/**
 * The document after replaying the trace `copies` times in one text (each copy typed in front of
 * the previous ones, as crdt-benchmarks' B4x100 does), encoded as a Yjs update (v1, the encoding
 * y-webrtc and y-indexeddb use). Cached under node_modules/.cache: the ×20 document takes about
 * half a minute to build.
 */
export function traceDocumentUpdate(trace: Trace, copies: number): Uint8Array {
  const yjsVersion = (JSON.parse(readFileSync(`${ROOT}node_modules/yjs/package.json`, 'utf8')) as { version: string }).version
  const key = createHash('sha256').update(`${statSync(tracePath()).size}/${yjsVersion}/${copies}/${TRACE_CLIENT_ID}`).digest('hex').slice(0, 16)
  const cached = `${CACHE_DIR}automerge-paper-x${copies}-${key}.bin`
  if (existsSync(cached)) return new Uint8Array(readFileSync(cached))
  const doc = traceDoc()
  const text = doc.getText('content')
  for (let i = 0; i < copies; i++) replayInto(text, trace)
  if (text.toString() !== trace.endContent.repeat(copies)) throw new Error('replaying the trace did not produce its endContent')
  const update = Y.encodeStateAsUpdate(doc)
  mkdirSync(CACHE_DIR, { recursive: true })
  writeFileSync(cached, update)
  return update
}
