import type { BlocksPatch } from './diffBlocks'

/** Page → worker. */
export interface RenderRequest {
  readonly id: number
  readonly text: string
}

/** Worker → page. */
export type RenderReply = { readonly id: number; readonly patch: BlocksPatch } | { readonly id: number; readonly error: string }

/** A worker, as far as the renderer uses one (a real `Worker`, or a stand-in in tests). */
export interface RenderWorker {
  onmessage: ((event: MessageEvent<RenderReply>) => void) | null
  onerror: ((event: ErrorEvent) => void) | null
  postMessage(request: RenderRequest): void
  terminate(): void
}

/** 'idle': nothing in flight; 'rendering': one request in flight, `next` waits for it. */
export type RendererState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'rendering'; readonly id: number; readonly next: string | null; readonly timer: ReturnType<typeof setTimeout> }
  | { readonly kind: 'destroyed' }

/** A render that takes longer than this is given up (pathological input): the worker is replaced. */
export const RENDER_TIMEOUT_MS = 10_000

/** Where a renderer's results go, and (in tests) what stands in for the worker. */
export interface WorkerMarkdownRendererOptions {
  /**
   * A render's result, as a patch against the previous one (the first: against nothing). Every
   * patch must be applied, in order; a fresh worker (after a timeout) starts again from nothing,
   * so its first patch replaces everything.
   */
  readonly onPatch: (patch: BlocksPatch) => void
  /** A render failed or timed out; the preview keeps what it showed. */
  readonly onError: (message: string) => void
  readonly createWorker?: () => RenderWorker
}

function moduleWorker(): RenderWorker {
  // This exact form lets Vite bundle the worker as its own file (CSP `worker-src 'self'`).
  return new Worker(new URL('./markdownWorker.ts', import.meta.url), { type: 'module' }) as unknown as RenderWorker
}

/**
 * Renders Markdown in a Web Worker, latest text wins: at most one request is in flight, and texts
 * given meanwhile collapse into one follow-up. It is responsible for the worker's lifetime (a
 * render over `RENDER_TIMEOUT_MS` terminates it and starts a fresh one); it does not schedule
 * (the caller decides when to call `render`).
 */
export class WorkerMarkdownRenderer {
  private state: RendererState = { kind: 'idle' }
  private worker: RenderWorker
  private lastId = 0

  constructor(private readonly options: WorkerMarkdownRendererOptions) {
    this.worker = this.start()
  }

  get current(): RendererState {
    return this.state
  }

  /** Renders `text` now, or after the render in flight (replacing any text already waiting). */
  render(text: string): void {
    const state = this.state
    if (state.kind === 'destroyed') return
    if (state.kind === 'rendering') {
      this.state = { ...state, next: text }
      return
    }
    const id = ++this.lastId
    const timer = setTimeout(() => this.timedOut(id), RENDER_TIMEOUT_MS)
    this.state = { kind: 'rendering', id, next: null, timer }
    this.worker.postMessage({ id, text })
  }

  /** Idempotent: terminates the worker; later calls to `render` do nothing. */
  destroy(): void {
    if (this.state.kind === 'rendering') clearTimeout(this.state.timer)
    if (this.state.kind === 'destroyed') return
    this.state = { kind: 'destroyed' }
    this.worker.terminate()
  }

  private start(): RenderWorker {
    const worker = (this.options.createWorker ?? moduleWorker)()
    worker.onmessage = (event) => this.finished(event.data.id, event.data)
    worker.onerror = (event) => {
      event.preventDefault()
      if (this.state.kind === 'rendering') this.finished(this.state.id, { id: this.state.id, error: event.message || 'the preview worker failed' })
    }
    return worker
  }

  private finished(id: number, reply: RenderReply): void {
    const state = this.state
    if (state.kind !== 'rendering' || state.id !== id) return
    clearTimeout(state.timer)
    this.state = { kind: 'idle' }
    if ('patch' in reply) this.options.onPatch(reply.patch)
    else this.options.onError(reply.error)
    if (state.next !== null) this.render(state.next)
  }

  private timedOut(id: number): void {
    const state = this.state
    if (state.kind !== 'rendering' || state.id !== id) return
    this.worker.terminate()
    this.worker = this.start()
    this.state = { kind: 'idle' }
    this.options.onError('This text takes too long to render; the preview shows an earlier version.')
    if (state.next !== null) this.render(state.next)
  }
}
