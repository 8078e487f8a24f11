/**
 * The stock page (bench/stock/main.ts, unchanged) plus React and ReactDOM, as an app built on that
 * stack with React would ship them: `createRoot` renders a small React tree (a heading naming the
 * room's peers) beside the editor. The anchor for initial JavaScript of a page that names React.
 */
import '../main.ts'
import { createElement, StrictMode, useSyncExternalStore } from 'react'
import { createRoot } from 'react-dom/client'

interface StockProbe {
  session: { debug(): { webrtcConnected: number } }
}

function subscribe(onChange: () => void): () => void {
  const timer = setInterval(onChange, 1000)
  return () => clearInterval(timer)
}

function Peers() {
  const probe = (window as unknown as { meshpad: StockProbe }).meshpad
  const connected = useSyncExternalStore(subscribe, () => probe.session.debug().webrtcConnected)
  return createElement('h1', null, `Stock stack, ${connected} peer${connected === 1 ? '' : 's'} connected`)
}

const root = document.getElementById('chrome')
if (root === null) throw new Error('index.html has no #chrome element')
createRoot(root).render(createElement(StrictMode, null, createElement(Peers)))
