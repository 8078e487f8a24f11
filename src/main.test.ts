import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { build, loadConfigFromFile, type Plugin, type PluginOption, type Rolldown } from 'vite'

/**
 * What a first visit's join depends on, checked on the production build of the real
 * vite.config.ts (without the service worker and the early scripts, which write files and do not
 * change the chunks): the page's first script holds every module the entry evaluates at once
 * (the session's), in the order src/main.tsx imports them, and nothing of the UI. The UI (React,
 * CodeMirror, the app) is a dynamic import (`loadUi`), fetched and compiled after the join on a
 * first visit to a shared link. A static import of any UI module (an "organise imports", a
 * shortcut past `loadUi`) would put the UI back into the first script, compiled during the join;
 * a chunk split off the first script would be a static import, evaluated before the entry's first
 * line, or a second request. Either would slow the join without failing any other test.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WORKSPACE = 'src/pageWorkspace.ts'
const UNTIL_WORTH_SHOWING = 'src/untilWorthShowing.ts'
const MOUNT_APP = 'src/ui/app/mountApp.tsx'

interface FirstChunk {
  /** Its modules in evaluation order, relative to the project (node_modules/… for packages). */
  order: string[]
  /** The chunks it imports statically (evaluated before it). */
  imports: string[]
  /** The modules each of its dynamic imports loads. */
  dynamicImports: string[][]
  /** Each module's static imports, relative like `order`. */
  imported: Map<string, string[]>
}

const relative = (id: string): string => (id.startsWith(ROOT) ? id.slice(ROOT.length) : id).replace(/^.*?(node_modules\/)/, '$1')

function flatten(plugins: PluginOption[] | undefined): Plugin[] {
  return (plugins ?? []).flat(Infinity as 1).filter((plugin): plugin is Plugin => typeof plugin === 'object' && plugin !== null && 'name' in plugin)
}

async function buildFirstChunk(): Promise<FirstChunk> {
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, `${ROOT}vite.config.ts`, ROOT, 'silent')
  if (loaded === null) throw new Error('vite.config.ts not found')
  const imported = new Map<string, string[]>()
  const graph: Plugin = {
    name: 'first-chunk-graph',
    generateBundle(_options, bundle) {
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue
        for (const id of output.moduleIds) imported.set(relative(id), (this.getModuleInfo(id)?.importedIds ?? []).map(relative))
      }
    },
  }
  const plugins = flatten(loaded.config.plugins).filter((plugin) => !/^vite-plugin-pwa|^meshpad:early-scripts/.test(plugin.name))
  const result = await build({
    ...loaded.config,
    configFile: false,
    root: ROOT,
    logLevel: 'silent',
    plugins: [...plugins, graph],
    build: { ...loaded.config.build, write: false, sourcemap: false, minify: false },
  })
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[]
  const chunks = outputs.flatMap((output) => output.output).filter((output): output is Rolldown.OutputChunk => output.type === 'chunk')
  const first = chunks.find((chunk) => chunk.moduleIds.some((id) => relative(id) === 'src/main.tsx'))
  if (first === undefined) throw new Error('the build has no chunk holding src/main.tsx')
  // A dynamic import loads its chunk and every chunk that one imports statically.
  const modulesOf = (fileName: string, seen = new Set<string>()): string[] => {
    const chunk = chunks.find((candidate) => candidate.fileName === fileName)
    if (chunk === undefined || seen.has(fileName)) return []
    seen.add(fileName)
    return [...chunk.moduleIds.map(relative), ...chunk.imports.flatMap((imported) => modulesOf(imported, seen))]
  }
  return { order: first.moduleIds.map(relative), imports: first.imports, dynamicImports: first.dynamicImports.map((fileName) => modulesOf(fileName)), imported }
}

/** Every module `from` reaches by static imports, `from` included. */
function reachable(from: string, imported: Map<string, string[]>): Set<string> {
  const seen = new Set<string>()
  const visit = (id: string): void => {
    if (seen.has(id)) return
    seen.add(id)
    for (const next of imported.get(id) ?? []) visit(next)
  }
  visit(from)
  return seen
}

describe('the first visit’s script (src/main.tsx, built)', () => {
  it('is one file: the session’s modules, pageWorkspace first and untilWorthShowing next; the UI is loaded later', async () => {
    const { order, imports, dynamicImports, imported } = await buildFirstChunk()
    expect(imports, 'the first script imports another chunk, evaluated before the entry').toEqual([])

    const workspace = order.indexOf(WORKSPACE)
    const wait = order.indexOf(UNTIL_WORTH_SHOWING)
    expect(workspace, `${WORKSPACE} is not in the first script`).toBeGreaterThanOrEqual(0)
    expect(wait, `${UNTIL_WORTH_SHOWING} is not in the first script`).toBeGreaterThan(workspace)
    // Before the wait: only what the page's workspace and the wait itself need (and Vite's own
    // virtual modules, such as its module preload polyfill).
    const session = new Set([...reachable(WORKSPACE, imported), ...reachable(UNTIL_WORTH_SHOWING, imported)])
    expect(order.slice(0, wait).filter((id) => !session.has(id) && !id.startsWith('\0'))).toEqual([])

    // Nothing of the UI in it; the UI's entry is one of its dynamic imports.
    const ui = ['node_modules/react/', 'node_modules/react-dom/', 'node_modules/@codemirror/view/', 'src/ui/app/App.tsx', MOUNT_APP]
    expect(order.filter((id) => ui.some((prefix) => id.startsWith(prefix)))).toEqual([])
    expect(dynamicImports.some((chunk) => chunk.includes(MOUNT_APP)), `${MOUNT_APP} is not loaded on demand by the first script`).toBe(true)
  }, 120_000)
})
