/** The path the Meshpad server hands out its ICE configuration on (see `signaling/ice/`). */
export const ICE_SERVERS_PATH = '/ice-servers'
/** The page's ICE servers endpoint, on the server at `origin` (a page's `location.origin`). */
export const iceServersUrl = (origin: string): string => origin + ICE_SERVERS_PATH
/** How the page asks for its ICE servers: never from a cache (TURN credentials expire), with its cookies. */
export const ICE_SERVERS_REQUEST = { cache: 'no-store', credentials: 'same-origin' } as const satisfies RequestInit
/** Renewal happens when this share of a credential's remaining lifetime has passed. */
export const RENEW_AT_SHARE = 0.8
/** Delays between attempts after a failed request (network down, server restarting). */
export const RETRY_DELAYS_MS = [2_000, 5_000, 15_000, 60_000, 300_000] as const
/** The longest a room waits for the first answer (see {@link IceServerSource.whenAnswered}). */
export const FIRST_ANSWER_WAIT_MS = 3_000

/** What the source has: nothing yet, an answer, or a settled "none here". */
export type IceServersState = 'loading' | 'ready' | 'unavailable'

/**
 * ICE servers from the page's own server, kept fresh. It is responsible for the request, its
 * retries and the renewal before TURN credentials expire; `destroy()` stops all of them.
 */
export interface IceServerSource {
  /** The servers to use now; empty until the first answer (and when the server has none). */
  readonly current: readonly RTCIceServer[]
  readonly state: IceServersState
  /**
   * Resolves once the first request has an outcome (servers, a 404, or a failure that will be
   * retried), or after {@link FIRST_ANSWER_WAIT_MS} without one, or on `destroy()`; never rejects.
   * A room waits for it before it meets peers: a connection started without the servers (TURN)
   * would fail where only a relay gets through, and be retried only after its timeout.
   */
  readonly whenAnswered: Promise<void>
  /** Calls `listener` whenever `current` or `state` changes; returns the unsubscribe function. */
  onChange(listener: () => void): () => void
  /** Idempotent. */
  destroy(): void
}

export interface IceServerSourceOptions {
  /** Absolute URL of the endpoint, e.g. `https://meshpad.example.com/ice-servers`. */
  readonly url: string
  readonly fetch?: typeof fetch
  readonly now?: () => number
}

/**
 * Parses an `/ice-servers` answer; anything not of the documented shape is refused (null).
 * Only `stun:`/`stuns:`/`turn:`/`turns:` URLs pass, so a misconfigured proxy answering
 * with something else cannot hand the browser arbitrary servers.
 */
export function parseIceServers(body: unknown): { iceServers: RTCIceServer[]; expiresAt: number | null } | null {
  if (typeof body !== 'object' || body === null) return null
  const { iceServers, expiresAt } = body as { iceServers?: unknown; expiresAt?: unknown }
  if (!Array.isArray(iceServers) || iceServers.length > 16) return null
  if (expiresAt !== null && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) return null
  const servers: RTCIceServer[] = []
  for (const entry of iceServers as unknown[]) {
    if (typeof entry !== 'object' || entry === null) return null
    const { urls, username, credential } = entry as Record<string, unknown>
    const list = typeof urls === 'string' ? [urls] : urls
    if (!Array.isArray(list) || list.length === 0 || !list.every((url) => typeof url === 'string' && /^(stuns?|turns?):/.test(url))) return null
    if (username !== undefined && typeof username !== 'string') return null
    if (credential !== undefined && typeof credential !== 'string') return null
    servers.push({ urls: list as string[], ...(username === undefined ? {} : { username }), ...(credential === undefined ? {} : { credential }) })
  }
  return { iceServers: servers, expiresAt: expiresAt as number | null }
}

/**
 * Starts asking `url` at once and keeps the answer current.
 *
 * The caller does not wait for it: the session and its signaling start at the same moment,
 * and a same-origin request is nearly always answered before the first peer connection is
 * created (that needs the WebSocket, the room key and a peer's reply). A room meets peers only
 * once the first request has an outcome (`whenAnswered`); a connection that still cannot come
 * up times out and is retried with the servers known by then (see the y-webrtc patch).
 *
 * - 404 (a stock y-webrtc signaling server, a static host): `unavailable`, no ICE servers, and
 *   no further requests — host candidates only, as before the endpoint existed.
 * - a network error or any other status: retried with growing delays; what was known stays.
 * - with an expiry: asked again when {@link RENEW_AT_SHARE} of the remaining lifetime has passed.
 */
export function fetchIceServers(options: IceServerSourceOptions): IceServerSource {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const now = options.now ?? Date.now
  const listeners = new Set<() => void>()
  let current: readonly RTCIceServer[] = []
  let state: IceServersState = 'loading'
  let failures = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let destroyed = false
  let controller: AbortController | undefined
  let answered = (): void => {}
  const whenAnswered = new Promise<void>((resolve) => (answered = resolve))
  const answerWait = setTimeout(answered, FIRST_ANSWER_WAIT_MS)
  void whenAnswered.then(() => clearTimeout(answerWait))

  const emit = (): void => {
    for (const listener of [...listeners]) listener()
  }
  const schedule = (delayMs: number): void => {
    if (!destroyed) timer = setTimeout(() => void request(), Math.max(0, delayMs))
  }
  const retry = (): void => {
    answered()
    schedule(RETRY_DELAYS_MS[Math.min(failures++, RETRY_DELAYS_MS.length - 1)]!)
  }

  async function request(): Promise<void> {
    controller = new AbortController()
    let answer: Awaited<ReturnType<typeof fetch>>
    try {
      answer = await doFetch(options.url, { ...ICE_SERVERS_REQUEST, signal: controller.signal })
    } catch {
      return retry()
    }
    if (destroyed) return
    if (answer.status === 404) {
      state = 'unavailable'
      emit()
      return answered()
    }
    const parsed = answer.ok ? parseIceServers(await answer.json().catch(() => null)) : null
    if (destroyed) return
    if (parsed === null) return retry()
    failures = 0
    current = parsed.iceServers
    state = 'ready'
    emit()
    answered()
    if (parsed.expiresAt !== null) schedule((parsed.expiresAt - now()) * RENEW_AT_SHARE)
  }

  void request()
  return {
    get current() {
      return current
    },
    get state() {
      return state
    },
    whenAnswered,
    onChange(listener) {
      if (destroyed) return () => {}
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    destroy() {
      if (destroyed) return
      destroyed = true
      answered()
      clearTimeout(timer)
      controller?.abort()
      listeners.clear()
    },
  }
}
