import { hasContent } from '../document/docMeta'
import type { Session } from './openSession'
import type { Workspace } from './Workspace'

/** What of the session is read to decide. */
type ShownSession = Pick<Session, 'topic' | 'doc' | 'text' | 'meta' | 'status' | 'onStatus' | 'whenLocalLoaded'>
/** What of the workspace is read to decide. */
type ShownWorkspace = Pick<Workspace, 'startedNew' | 'subscribe'> & { readonly session: ShownSession }

/** From the signaling server connected, how long a joining page waits for a peer's copy. */
export const PEER_WAIT_MS = 400
/** The longest a page waits before it shows its document anyway, while no peer is connecting. */
export const SHOW_WAIT_MS = 1000
/**
 * The longest a page waits while a peer is connecting or connected and its copy is on the way:
 * a slow network or a slow machine takes longer than `SHOW_WAIT_MS` for the WebRTC handshake, and
 * an empty editor shown meanwhile would invite typing into a document about to be filled.
 */
export const CONNECTING_WAIT_MS = 4000

/**
 * Calls `show` once, when the workspace's document is worth showing: at once for a new document
 * or one that holds anything already; for one this browser holds (`storedHere`, a hint), once its
 * stored copy is read; for a first visit to a shared link, once the first peer's copy is in, the
 * network is unreachable (nothing will arrive), `PEER_WAIT_MS` after the signaling server
 * connected (nobody answered: alone); in any case after `SHOW_WAIT_MS` at the latest
 * (`CONNECTING_WAIT_MS` while a peer is connecting), and when the workspace moves to another
 * document. Returns the cancel function (idempotent).
 *
 * Why wait: such a page has nothing to show until a peer sends the document, and building the
 * editor and its frame takes the main thread for longer than the join's signaling and WebRTC
 * handshake, whose events the browser delivers only after it. An empty editor shown meanwhile would also invite typing into a document about to
 * be filled. A stored copy is worth its read: the editor is then built once, with the whole text.
 */
export function whenWorthShowing(workspace: ShownWorkspace, storedHere: (topic: string) => boolean, show: () => void, now: () => number = () => performance.now()): () => void {
  const session = workspace.session
  if (workspace.startedNew || hasContent(session.doc)) {
    show()
    return () => {}
  }
  const held = storedHere(session.topic)
  let loaded = false
  const start = now()
  let signalingSince: number | null = null
  let timer: ReturnType<typeof setTimeout> | undefined
  const disposers: (() => void)[] = []
  let done = false
  const finish = (showIt: boolean): void => {
    if (done) return
    done = true
    clearTimeout(timer)
    for (const dispose of disposers) dispose()
    if (showIt) show()
  }
  const check = (): void => {
    if (done) return
    const { status } = session
    if (workspace.session !== session || hasContent(session.doc) || status.syncedPeers > 0 || (held && loaded)) return finish(true)
    if (status.signaling === 'unreachable' || status.signaling === 'reconnecting') return finish(true)
    if (status.signaling === 'connected') signalingSince ??= now()
    const connecting = status.peers > 0 || status.paths.connecting > 0
    const deadline = connecting
      ? start + CONNECTING_WAIT_MS
      : Math.min(start + SHOW_WAIT_MS, signalingSince === null ? Infinity : signalingSince + PEER_WAIT_MS)
    if (now() >= deadline) return finish(true)
    clearTimeout(timer)
    timer = setTimeout(check, deadline - now())
  }
  // After the transaction: the UI must not be built from inside a Yjs observer.
  const observe = (): void => queueMicrotask(check)
  session.text.observe(observe)
  session.meta.observe(observe)
  disposers.push(
    () => session.text.unobserve(observe),
    () => session.meta.unobserve(observe),
    session.onStatus(check),
    workspace.subscribe(check),
  )
  void session.whenLocalLoaded.then(() => {
    loaded = true
    check()
  })
  check()
  return () => finish(false)
}
