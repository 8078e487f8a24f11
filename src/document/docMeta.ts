import type * as Y from 'yjs'

/** Version of the shared document's layout, stored in `meta.schemaVersion`. */
export const SCHEMA_VERSION = 1

/** Longest title kept; longer input is cut, so one paste cannot bloat every peer's copy. */
export const MAX_TITLE_LENGTH = 200

export const DEFAULT_LANGUAGE = 'plaintext'

/** What everyone in a room sees alike besides the text; it lives in `doc.getMap('meta')`. */
export interface DocMeta {
  readonly title: string
  /** A language id; unknown ids (from a newer Meshpad) are kept and shown as plain text. */
  readonly language: string
}

/** The shared text of a room. */
export function docText(doc: Y.Doc): Y.Text {
  return doc.getText('content')
}

/** The shared metadata map of a room. */
export function docMetaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('meta')
}

export function readDocMeta(doc: Y.Doc): DocMeta {
  const meta = docMetaMap(doc)
  const title = meta.get('title')
  const language = meta.get('language')
  return {
    title: typeof title === 'string' ? title : '',
    language: typeof language === 'string' && language !== '' ? language : DEFAULT_LANGUAGE,
  }
}

export function setDocTitle(doc: Y.Doc, title: string): void {
  const next = title.slice(0, MAX_TITLE_LENGTH)
  if (readDocMeta(doc).title !== next) docMetaMap(doc).set('title', next)
}

export function setDocLanguage(doc: Y.Doc, language: string): void {
  if (readDocMeta(doc).language !== language) docMetaMap(doc).set('language', language)
}

/** Stamps the schema version on a document that has none (a new room). */
export function ensureSchemaVersion(doc: Y.Doc): void {
  const meta = docMetaMap(doc)
  if (meta.get('schemaVersion') === undefined) meta.set('schemaVersion', SCHEMA_VERSION)
}

/**
 * Whether a document holds anything a person would miss: text, a title, a chosen language. What a
 * copy stamps on load (the schema version, a writer's comment key) is not.
 */
export function hasContent(doc: Y.Doc): boolean {
  const meta = readDocMeta(doc)
  return docText(doc).length > 0 || meta.title !== '' || meta.language !== DEFAULT_LANGUAGE
}
