import * as Y from 'yjs'
import { DEVICES_MAP, forgetDevices } from '../removal/deviceRegistry'
import { MOVES_ARRAY } from '../removal/moveRecord'
import { fromBase64, toBase64, toHexString } from 'lib0/buffer'
import { digest } from 'lib0/hash/sha256'
import { docMetaMap, docText, readDocMeta, SCHEMA_VERSION } from './docMeta'
import { importUpdate } from './importUpdate'
import { commentRecords } from './comments/commentRecords'

/** The `format` of a Meshpad document file. */
export const DOCUMENT_FILE_FORMAT = 'meshpad-document'
/** The layout of the file this Meshpad writes, and the newest it reads. */
export const DOCUMENT_FILE_VERSION = 1
/** Largest file read. Far above any document a room can sync; it keeps a stray file harmless. */
export const MAX_DOCUMENT_FILE_BYTES = 32 * 1024 * 1024
/** File name extension of exports (`notes.meshpad.json`). */
export const DOCUMENT_FILE_EXTENSION = 'meshpad.json'

/**
 * A whole document in one file (JSON): the Yjs state (`Y.encodeStateAsUpdate`, base64) with its
 * SHA-256, plus title and language in the clear so a person can tell what the file is. The state
 * holds everything a room shares (text, title, language), so importing it is a CRDT merge.
 */
export interface DocumentFile {
  readonly format: typeof DOCUMENT_FILE_FORMAT
  readonly version: number
  readonly title: string
  readonly language: string
  /** ISO 8601. */
  readonly exportedAt: string
  readonly state: string
  /** Hex SHA-256 of the decoded `state` bytes. */
  readonly sha256: string
}

/** A document file that passed every check; nothing has been touched yet. */
export interface ImportedDocument {
  readonly title: string
  readonly language: string
  readonly text: string
  readonly exportedAt: string
  /** The Yjs update to apply: to a new document, or merged into an open one. */
  readonly update: Uint8Array
}

/** A file refused on import. `message` is written for the person who picked the file. */
export class DocumentFileError extends Error {
  override readonly name = 'DocumentFileError'
}

/** The origin of the transaction that merges an imported file into an open document. */
export const IMPORT_ORIGIN = 'meshpad/import'

/**
 * Merges a checked file into an open document: it adds what the file has that `doc` lacks and
 * never deletes what `doc` already holds (see {@link importUpdate}: only the file's own new items
 * that the file deleted are deleted). What both already share is not added twice. Peers receive
 * it like any edit. Returns how many deleted characters/items of the file were not deleted here.
 */
export function mergeImportedDocument(doc: Y.Doc, imported: ImportedDocument): { withheldDeletions: number } {
  const { update, withheldDeletions } = importUpdate(doc, imported.update)
  const devices = doc.getMap(DEVICES_MAP)
  const known = new Set(devices.keys())
  Y.applyUpdate(doc, update, IMPORT_ORIGIN)
  // The people of the file's room were never in this one: a removal here must not list or seal to them.
  forgetDevices(doc, [...devices.keys()].filter((key) => !known.has(key)))
  return { withheldDeletions }
}

/**
 * The shared types a version 1 document holds (see docMeta.ts; `comments`: commentRecords.ts;
 * `devices` and `moves`: src/removal/).
 */
const KNOWN_SHARES = new Set(['content', 'meta', 'versions', 'comments', DEVICES_MAP, MOVES_ARRAY])

/** Writes the whole document as a document file (JSON text). */
export function encodeDocumentFile(doc: Y.Doc, exportedAt: Date = new Date()): string {
  const state = Y.encodeStateAsUpdate(doc)
  const { title, language } = readDocMeta(doc)
  const file: DocumentFile = {
    format: DOCUMENT_FILE_FORMAT,
    version: DOCUMENT_FILE_VERSION,
    title,
    language,
    exportedAt: exportedAt.toISOString(),
    state: toBase64(state),
    sha256: toHexString(digest(state)),
  }
  return `${JSON.stringify(file, null, 2)}\n`
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
const SHA256_HEX = /^[0-9a-f]{64}$/

function refuse(reason: string): never {
  throw new DocumentFileError(reason)
}

function parse(contents: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(contents)
  } catch {
    refuse(
      contents.trimStart().startsWith('{')
        ? 'This file is damaged or incomplete (it ends early or is not valid JSON).'
        : 'This is not a Meshpad document file.',
    )
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) refuse('This is not a Meshpad document file.')
  return value as Record<string, unknown>
}

/**
 * Reads a document file and checks all of it: format, version, checksum, and a trial load of the
 * state into a scratch document (whole, with nothing missing, of the shape a Meshpad room has).
 * Touches no document; throws {@link DocumentFileError} with a message for the person otherwise.
 */
export function decodeDocumentFile(contents: string): ImportedDocument {
  if (contents.length > MAX_DOCUMENT_FILE_BYTES) refuse('This file is too large to be a Meshpad document.')
  const file = parse(contents)
  if (file.format !== DOCUMENT_FILE_FORMAT) refuse('This is not a Meshpad document file.')
  const version = file.version
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) refuse('This Meshpad file has no valid version.')
  if (version > DOCUMENT_FILE_VERSION) {
    refuse(`This file was written by a newer Meshpad (file version ${version}; this one reads up to ${DOCUMENT_FILE_VERSION}).`)
  }
  const { state, sha256, title, language, exportedAt } = file
  if (typeof state !== 'string' || typeof sha256 !== 'string' || typeof title !== 'string' || typeof language !== 'string' || typeof exportedAt !== 'string') {
    refuse('This Meshpad file is incomplete: a required field is missing.')
  }
  if (!BASE64.test(state) || !SHA256_HEX.test(sha256)) refuse('This file is damaged: its contents are not readable.')
  const bytes = fromBase64(state)
  if (toHexString(digest(bytes)) !== sha256) refuse('This file is damaged: its contents do not match its checksum.')
  if (Number.isNaN(Date.parse(exportedAt))) refuse('This Meshpad file is damaged: its export date is not a date.')

  const scratch = new Y.Doc()
  try {
    try {
      Y.applyUpdate(scratch, bytes)
    } catch {
      refuse('This file is damaged: its document cannot be read.')
    }
    if (scratch.store.pendingStructs !== null || scratch.store.pendingDs !== null) {
      refuse('This file is incomplete: parts of its document are missing.')
    }
    for (const name of scratch.share.keys()) {
      if (!KNOWN_SHARES.has(name)) refuse('This file holds a document Meshpad does not know how to open.')
    }
    let text: string
    try {
      const content = docText(scratch)
      const meta = docMetaMap(scratch)
      // A root type takes whatever shape it is first asked for; keyed entries in the text,
      // or a list in the map, mean the file was written by something else under the same names.
      const foreign =
        content._map.size > 0 ||
        meta._start !== null ||
        commentRecords(scratch)._map.size > 0 ||
        scratch.getMap(DEVICES_MAP)._start !== null ||
        scratch.getArray(MOVES_ARRAY)._map.size > 0
      if (foreign) throw new Error('foreign shape')
      text = content.toString()
    } catch {
      refuse('This file holds a document Meshpad does not know how to open.')
    }
    const schemaVersion = docMetaMap(scratch).get('schemaVersion')
    if (schemaVersion !== undefined && (typeof schemaVersion !== 'number' || schemaVersion > SCHEMA_VERSION)) {
      refuse('This file holds a document from a newer Meshpad.')
    }
    const meta = readDocMeta(scratch)
    if (meta.title !== title || meta.language !== language) refuse('This file is damaged: its title or language does not match its document.')
    return { title: meta.title, language: meta.language, text, exportedAt, update: bytes }
  } finally {
    scratch.destroy()
  }
}
