/**
 * What a benchmark page records about itself, installed before Meshpad's own scripts run
 * (`context.addInitScript(installProbe, options)`). Everything here runs in the page, so it is
 * self-contained: Playwright serialises the function's source, not its closure.
 *
 * Times are `performance.now()` of the page (0 = its navigation start); add
 * `performance.timeOrigin` to compare pages, which on one machine share a clock.
 */
export interface ProbeOptions {
  /** Record when the document holds at least these clocks per client (a peer's state vector). */
  targetStateVector?: Record<string, number>
  /** Record when the editor's document has this length. */
  editorLength?: number
}

export interface DataChannelCounts {
  /** Messages and bytes passed to RTCDataChannel.send, by y-webrtc message type. */
  byType: Record<string, { messages: number; bytes: number }>
}

export interface ProbeState {
  options: ProbeOptions
  /** When the app published its session (`window.meshpad`). */
  sessionAt: number | null
  /**
   * When the app began opening its workspace: its call to open the document library's database
   * (`meshpad-documents`), the first thing it opens, right before the session (whose opening
   * applies a stored copy read while the page loaded: see src/storage/earlyCopy.ts).
   */
  workspaceAt: number | null
  /** When the document first held `targetStateVector`. */
  syncedAt: number | null
  /** When the editor's document first had `editorLength` characters (after the DOM changed). */
  editorFullAt: number | null
  /**
   * When the first read of a stored document (IndexedDB `getAll` on an `updates` store) returned:
   * /early-copy.js's (src/early/), while the app's script loads, before the session opens.
   */
  storedReadAt: number | null
  /** Every RTCPeerConnection the page created. */
  peerConnections: RTCPeerConnection[]
  sends: DataChannelCounts
  /** Called on every `RTCDataChannel.send` (a benchmark stamps its sends with it). */
  onSend: (() => void) | null
}

/**
 * What the probe logs (`console.debug`) once the document holds `targetStateVector` and the page's
 * first peer is connected (`debug().firstPeerAt`). A harness that waits for it, instead of polling
 * the page (Playwright injects its own script into the page for that, 10–20 ms of the page's main
 * thread, wherever it lands), leaves the page alone. installProbe cannot read this constant
 * (it runs in the page); it spells it out.
 */
export const SYNCED_MESSAGE = 'meshpad-bench: synced'

/** The page's probe; see `installProbe`. */
export type ProbeWindow = Window & { __bench: ProbeState }

export function installProbe(options: ProbeOptions): void {
  interface StructLike {
    id: { clock: number }
    length: number
  }
  interface DocLike {
    store: { clients: Map<number, StructLike[]> }
    on(event: string, listener: () => void): void
  }
  interface SessionLike {
    doc: DocLike
  }
  interface ViewLike {
    state: { doc: { length: number } }
  }

  const state: ProbeState = {
    options,
    sessionAt: null,
    workspaceAt: null,
    syncedAt: null,
    editorFullAt: null,
    storedReadAt: null,
    peerConnections: [],
    sends: { byType: {} },
    onSend: null,
  }
  Object.defineProperty(window, '__bench', { value: state })

  // Every peer connection, for getStats().
  const NativePeerConnection = window.RTCPeerConnection
  class TrackedPeerConnection extends NativePeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config)
      state.peerConnections.push(this)
    }
  }
  window.RTCPeerConnection = TrackedPeerConnection

  // The stored copy's read: the app reads a room's `updates` store with one getAll.
  const nativeGetAll = IDBObjectStore.prototype.getAll
  IDBObjectStore.prototype.getAll = function getAll(this: IDBObjectStore, ...args: Parameters<IDBObjectStore['getAll']>) {
    const request = nativeGetAll.apply(this, args)
    if (this.name === 'updates') request.addEventListener('success', () => (state.storedReadAt ??= performance.now()))
    return request
  }

  const nativeOpen = IDBFactory.prototype.open
  IDBFactory.prototype.open = function open(this: IDBFactory, ...args: Parameters<IDBFactory['open']>) {
    if (args[0] === 'meshpad-documents') state.workspaceAt ??= performance.now()
    return nativeOpen.apply(this, args)
  }

  // Data-channel sends by message type: the first byte of a y-webrtc message is its type
  // (0 sync, 1 awareness, 3 awareness query, 4 BroadcastChannel peer id).
  const TYPE_NAMES: Record<number, string> = { 0: 'sync', 1: 'awareness', 3: 'awareness-query', 4: 'bc-peer-id', 255: 'chunk' }
  const nativeSend = RTCDataChannel.prototype.send as (this: RTCDataChannel, data: unknown) => void
  RTCDataChannel.prototype.send = function send(this: RTCDataChannel, data: unknown): void {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null
    const first = bytes?.[0]
    const type = first === undefined ? 'other' : (TYPE_NAMES[first] ?? `type-${first}`)
    const count = (state.sends.byType[type] ??= { messages: 0, bytes: 0 })
    count.messages++
    count.bytes += bytes?.byteLength ?? 0
    state.onSend?.()
    nativeSend.call(this, data)
  } as RTCDataChannel['send']

  const editorView = (): ViewLike | null => {
    const content = document.querySelector('.cm-content') as (Element & { cmTile?: { root?: { view?: ViewLike } } }) | null
    return content?.cmTile?.root?.view ?? null
  }

  const holdsTarget = (doc: DocLike): boolean => {
    for (const [client, clock] of Object.entries(options.targetStateVector ?? {})) {
      const structs = doc.store.clients.get(Number(client))
      const last = structs?.[structs.length - 1]
      if (!last || last.id.clock + last.length < clock) return false
    }
    return true
  }

  const watchSession = (session: SessionLike): void => {
    state.sessionAt ??= performance.now()
    if (options.targetStateVector) {
      const check = (): void => {
        if (state.syncedAt !== null || !holdsTarget(session.doc)) return
        state.syncedAt = performance.now()
        // Tells the harness, which evaluates nothing in the page meanwhile (see SYNCED_MESSAGE),
        // once the first peer is there too (an empty room's document is whole before it).
        const withPeer = (): boolean => (session as SessionLike & { debug?: () => { firstPeerAt?: number | null } }).debug?.().firstPeerAt != null
        if (withPeer()) return console.debug('meshpad-bench: synced')
        const poll = setInterval(() => {
          if (!withPeer()) return
          clearInterval(poll)
          console.debug('meshpad-bench: synced')
        }, 10)
      }
      session.doc.on('afterTransaction', check)
      check()
    }
  }

  if (options.editorLength !== undefined) {
    // CodeMirror writes its DOM synchronously when it applies a change, so the first DOM
    // mutation after its state holds the whole text is when the text reached the editor's DOM.
    const check = (): void => {
      if (state.editorFullAt === null && editorView()?.state.doc.length === options.editorLength) {
        state.editorFullAt = performance.now()
        observer.disconnect()
      }
    }
    const observer = new MutationObserver(check)
    observer.observe(document, { childList: true, subtree: true, characterData: true })
    // The observer alone sometimes missed it (the editor full, no DOM change after), and the
    // figure then waited for the next one (a caret blink, seconds later): every frame checks too.
    const everyFrame = (): void => {
      check()
      if (state.editorFullAt === null) requestAnimationFrame(everyFrame)
    }
    requestAnimationFrame(everyFrame)
  }

  let current: { session: SessionLike } | undefined
  Object.defineProperty(window, 'meshpad', {
    configurable: true,
    get: () => current,
    set: (value: { session: SessionLike } | undefined) => {
      current = value
      if (value) watchSession(value.session)
    },
  })
}
