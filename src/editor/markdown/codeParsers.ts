import { LanguageSupport, type Language } from '@codemirror/language'
import { LANGUAGES, languageInfo } from '../languages'

/** A parser of one of the editor's languages. */
export type CodeParser = Language['parser']

/** Fence info words people write for the editor's languages (GitHub's names). */
const ALIASES: Readonly<Record<string, string>> = {
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript', node: 'javascript',
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  py: 'python', python3: 'python', md: 'markdown', htm: 'html', xhtml: 'html', jsonc: 'json',
}

const loaded = new Map<string, CodeParser | null>()
const loading = new Map<string, Promise<CodeParser | null>>()

/**
 * The editor language id for a fence's language word (`js`, `Python`, `tsx`…), or null when the
 * editor has no highlighting for it.
 */
export function codeLanguageId(word: string): string | null {
  const lower = word.toLowerCase()
  const id = ALIASES[lower] ?? lower
  return id !== 'plaintext' && LANGUAGES.some((language) => language.id === id) ? id : null
}

/** The parser of `id` if it is loaded already (null: it has none), undefined if not yet. */
export function loadedCodeParser(id: string): CodeParser | null | undefined {
  return loaded.get(id)
}

/**
 * Loads the editor's support for `id` (the same lazily loaded chunk the editor uses) and keeps its
 * parser. Resolves to null when it cannot be loaded (offline across a deploy): code stays plain.
 */
export function loadCodeParser(id: string): Promise<CodeParser | null> {
  const known = loaded.get(id)
  if (known !== undefined) return Promise.resolve(known)
  let pending = loading.get(id)
  if (pending === undefined) {
    pending = languageInfo(id)
      .load()
      .then(
        (support) => (support instanceof LanguageSupport ? support.language.parser : null),
        () => null,
      )
      .then((parser) => {
        loaded.set(id, parser)
        loading.delete(id)
        return parser
      })
    loading.set(id, pending)
  }
  return pending
}
