/**
 * The stock stack, as the Yjs demos build it: one Y.Doc, y-indexeddb, y-webrtc 10.3.0 as
 * published (not Meshpad's patched copy: vite.config.ts here aliases `y-webrtc` to the pristine
 * `y-webrtc-stock`), y-codemirror.next and CodeMirror's `basicSetup`. Nothing of Meshpad's.
 *
 * `#SECRET` is the room: the room name and the y-webrtc `password` (signaling encryption), as a
 * demo would do with a shared secret; no fragment creates one. `?signaling=URL,…` names the
 * signaling servers (the benchmarks point it at the Meshpad server they measure Meshpad with).
 *
 * The one addition is `window.meshpad`, the probe the benchmarks read (the shape
 * bench/support/benchPeers.ts expects of Meshpad's session), so one set of benchmark code
 * measures both pages. It only observes.
 */
import { basicSetup, EditorView } from 'codemirror'
import { keymap } from '@codemirror/view'
import * as Y from 'yjs'
import { IndexeddbPersistence } from 'y-indexeddb'
import { WebrtcProvider } from 'y-webrtc'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'

function roomSecret(): string {
  const fromHash = decodeURIComponent(window.location.hash.slice(1))
  if (fromHash) return fromHash
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  const secret = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
  window.history.replaceState(null, '', `#${secret}`)
  return secret
}

const secret = roomSecret()
const signaling = (new URLSearchParams(window.location.search).get('signaling') ?? '').split(',').filter(Boolean)

const ydoc = new Y.Doc()
const ytext = ydoc.getText('codemirror')
new IndexeddbPersistence(secret, ydoc)
const provider = new WebrtcProvider(secret, ydoc, { password: secret, signaling })
const undoManager = new Y.UndoManager(ytext)
provider.awareness.setLocalStateField('user', { name: 'Anonymous', color: '#30bced', colorLight: '#30bced33' })

new EditorView({
  doc: ytext.toString(),
  extensions: [keymap.of(yUndoManagerKeymap), basicSetup, EditorView.lineWrapping, yCollab(ytext, provider.awareness, { undoManager })],
  parent: document.getElementById('editor') as HTMLElement,
})

// ── The benchmark probe (observes only) ───────────────────────────────────────────────────────
interface StockConn {
  connected: boolean
  peer: { once(event: 'connect', listener: () => void): void }
}
const conns = (): Map<string, StockConn> =>
  (provider as unknown as { room: { webrtcConns: Map<string, StockConn> } | null }).room?.webrtcConns ?? new Map()
let firstPeerAt: number | null = null
// y-webrtc emits `peers` when it creates a connection, before its data channel is open;
// simple-peer's `connect` is when it is (Meshpad records its `firstPeerAt` at the same event).
provider.on('peers', ({ added }: { added: string[] }) => {
  for (const id of added) conns().get(id)?.peer.once('connect', () => void (firstPeerAt ??= performance.now()))
})
Object.assign(window, {
  meshpad: {
    session: {
      doc: ydoc,
      text: ytext,
      debug: () => ({ firstPeerAt, webrtcConnected: [...conns().values()].filter((conn) => conn.connected).length }),
    },
  },
})
