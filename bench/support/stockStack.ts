import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MeshpadServer } from '../../e2e/support/meshpadServer.ts'

/** The stock stack's built page (`npm run build:stock`): see bench/stock/main.ts. */
export const STOCK_DIST = fileURLToPath(new URL('../stock/dist/', import.meta.url))
/** The stock page plus React and ReactDOM (bench/stock/react/), built beside it and served by the same server at `/react/`. */
export const STOCK_WITH_REACT_DIST = `${STOCK_DIST}react/`

/**
 * A server process serving the stock page: the same server program as Meshpad's (the same static
 * file handler and caching headers), so both pages load alike. Its own signaling is unused.
 */
export async function startStockServer(): Promise<MeshpadServer> {
  if (!existsSync(`${STOCK_DIST}index.html`)) {
    throw new Error(`${STOCK_DIST}index.html not found: run \`npm run build:stock\` (or \`npm run bench\`, which builds it) first`)
  }
  return MeshpadServer.start({ staticDir: STOCK_DIST })
}

/** The stock page's address for a new room, signaling through `signaling` (Meshpad's server). */
export function stockPageUrl(stock: MeshpadServer, signaling: MeshpadServer): string {
  return `${stock.url}?signaling=${encodeURIComponent(signaling.signalingUrl)}`
}
