import { DOCUMENT_FILE_EXTENSION } from '../../document/documentFile'
import { languageInfo } from '../../editor/languages'

/** Longest base name given to a downloaded file. */
const MAX_BASE_LENGTH = 80

/**
 * A file name for a document: its title made safe for every file system (no path separators,
 * reserved or control characters, no leading dots), or "untitled".
 */
export function fileBaseName(title: string): string {
  const base = title
    // eslint-disable-next-line no-control-regex -- control characters are what is being removed
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\-\s]+|[.\s]+$/g, '')
    .slice(0, MAX_BASE_LENGTH)
    .trim()
  return base === '' ? 'untitled' : base
}

/** `<title>.<extension of the language>`: the text as a file, e.g. `notes.md`, `script.py`. */
export function textFileName(title: string, language: string): string {
  return `${fileBaseName(title)}.${languageInfo(language).extension}`
}

/** `<title>.meshpad.json`: the whole document, for import elsewhere. */
export function documentFileName(title: string): string {
  return `${fileBaseName(title)}.${DOCUMENT_FILE_EXTENSION}`
}
