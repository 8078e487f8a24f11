import type { Extension } from '@codemirror/state'

/** A language a document can be in. Its CodeMirror support is loaded only when first used. */
export interface LanguageInfo {
  readonly id: string
  readonly label: string
  /** File extension for downloads, without the dot. */
  readonly extension: string
  readonly load: () => Promise<Extension>
}

/**
 * The languages offered in the picker. The ids are stored in shared documents: never rename one;
 * add new ones at will (older Meshpads show unknown ids as plain text).
 */
export const LANGUAGES: readonly LanguageInfo[] = [
  { id: 'plaintext', label: 'Plain text', extension: 'txt', load: async () => [] },
  {
    id: 'markdown',
    label: 'Markdown',
    extension: 'md',
    load: async () => (await import('@codemirror/lang-markdown')).markdown(),
  },
  {
    id: 'javascript',
    label: 'JavaScript',
    extension: 'js',
    load: async () => (await import('@codemirror/lang-javascript')).javascript({ jsx: true }),
  },
  {
    id: 'typescript',
    label: 'TypeScript',
    extension: 'ts',
    load: async () => (await import('@codemirror/lang-javascript')).javascript({ jsx: true, typescript: true }),
  },
  {
    id: 'python',
    label: 'Python',
    extension: 'py',
    load: async () => (await import('@codemirror/lang-python')).python(),
  },
  {
    id: 'json',
    label: 'JSON',
    extension: 'json',
    load: async () => (await import('@codemirror/lang-json')).json(),
  },
  {
    id: 'html',
    label: 'HTML',
    extension: 'html',
    load: async () => (await import('@codemirror/lang-html')).html(),
  },
  {
    id: 'css',
    label: 'CSS',
    extension: 'css',
    load: async () => (await import('@codemirror/lang-css')).css(),
  },
]

/** The language of `id`, or plain text for an id this version does not know. */
export function languageInfo(id: string): LanguageInfo {
  return LANGUAGES.find((language) => language.id === id) ?? (LANGUAGES[0] as LanguageInfo)
}
