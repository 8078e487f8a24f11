import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

/**
 * The page's early scripts, by the file name index.html loads them from, and their entry modules.
 * The file names are a contract with index.html, the service worker's precache and the
 * Content-Security-Policy (same-origin classic scripts).
 */
export const EARLY_SCRIPTS = {
  'early-copy.js': 'earlyCopy.entry.ts',
  'early-signaling.js': 'earlySignaling.entry.ts',
} as const

export type EarlyScriptFile = keyof typeof EARLY_SCRIPTS

export const isEarlyScriptFile = (name: string): name is EarlyScriptFile => Object.hasOwn(EARLY_SCRIPTS, name)

/** What one early script is made of: its code and the files it was built from (to watch them). */
export interface BuiltEarlyScript {
  readonly code: string
  readonly inputs: readonly string[]
}

/**
 * Builds the early script `file` from its entry module and everything it imports, into one
 * minified classic script (an IIFE: it declares no globals but the `window.__meshpadEarly…`
 * properties it sets). Node only: used by the Vite build and dev server (vite.config.ts) and by
 * the tests that run the scripts as the page does.
 */
export async function buildEarlyScript(file: EarlyScriptFile): Promise<BuiltEarlyScript> {
  const entry = fileURLToPath(new URL(EARLY_SCRIPTS[file], import.meta.url))
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    metafile: true,
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.text
  if (code === undefined) throw new Error(`esbuild wrote nothing for ${file}`)
  return { code, inputs: Object.keys(result.metafile.inputs) }
}
