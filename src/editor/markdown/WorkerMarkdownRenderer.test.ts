import { afterEach, describe, expect, it, vi } from 'vitest'
import { diffBlocks } from './diffBlocks'
import { renderMarkdownBlocks } from './renderMarkdownBlocks'
import { RENDER_TIMEOUT_MS, WorkerMarkdownRenderer, type RenderReply, type RenderRequest, type RenderWorker } from './WorkerMarkdownRenderer'

/** A worker that renders for real but answers only when the test says so. */
class HeldWorker implements RenderWorker {
  onmessage: ((event: MessageEvent<RenderReply>) => void) | null = null
  onerror: ((event: ErrorEvent) => void) | null = null
  readonly requests: RenderRequest[] = []
  terminated = false
  private shown: string[] = []
  postMessage(request: RenderRequest): void {
    this.requests.push(request)
  }
  terminate(): void {
    this.terminated = true
  }
  answer(reply?: RenderReply): void {
    const request = this.requests.shift() as RenderRequest
    if (reply === undefined) {
      const blocks = renderMarkdownBlocks(request.text)
      reply = { id: request.id, patch: diffBlocks(this.shown, blocks) }
      this.shown = blocks.map((block) => block.html)
    }
    this.onmessage?.({ data: reply } as MessageEvent<RenderReply>)
  }
}

function setup() {
  const workers: HeldWorker[] = []
  const shown: string[] = []
  const errors: string[] = []
  const renderer = new WorkerMarkdownRenderer({
    onPatch: (patch) => shown.push(`${patch.prefix}/${patch.suffix}:${patch.blocks.map((block) => block.html).join('')}`),
    onError: (message) => errors.push(message),
    createWorker: () => {
      const worker = new HeldWorker()
      workers.push(worker)
      return worker
    },
  })
  return { renderer, workers, shown, errors }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('WorkerMarkdownRenderer', () => {
  it('keeps one render in flight and collapses the texts given meanwhile into the latest', () => {
    const { renderer, workers, shown } = setup()
    const worker = workers[0] as HeldWorker
    renderer.render('one')
    renderer.render('two')
    renderer.render('three')
    expect(worker.requests.map((request) => request.text)).toEqual(['one'])
    expect(renderer.current.kind).toBe('rendering')
    worker.answer()
    expect(worker.requests.map((request) => request.text)).toEqual(['three'])
    worker.answer()
    expect(shown).toEqual(['0/0:<p>one</p>\n', '0/0:<p>three</p>\n'])
    expect(renderer.current.kind).toBe('idle')
  })

  it('reports a failed render and goes on with the next text', () => {
    const { renderer, workers, shown, errors } = setup()
    const worker = workers[0] as HeldWorker
    renderer.render('bad')
    renderer.render('good')
    worker.answer({ id: 1, error: 'boom' })
    worker.answer()
    expect(errors).toEqual(['boom'])
    expect(shown).toEqual(['0/0:<p>good</p>\n'])
  })

  it('gives up a render that takes too long: a fresh worker renders the next text', () => {
    vi.useFakeTimers()
    const { renderer, workers, shown, errors } = setup()
    renderer.render('stuck')
    renderer.render('after')
    vi.advanceTimersByTime(RENDER_TIMEOUT_MS)
    expect(workers[0]?.terminated).toBe(true)
    expect(errors).toHaveLength(1)
    expect(workers[1]?.requests.map((request) => request.text)).toEqual(['after'])
    workers[1]?.answer()
    expect(shown).toEqual(['0/0:<p>after</p>\n'])
  })

  it('is destroyed once: the worker is terminated, later texts and answers are ignored', () => {
    const { renderer, workers, shown } = setup()
    const worker = workers[0] as HeldWorker
    renderer.render('one')
    renderer.destroy()
    renderer.destroy()
    worker.answer()
    renderer.render('two')
    expect(worker.terminated).toBe(true)
    expect(worker.requests).toEqual([])
    expect(shown).toEqual([])
    expect(renderer.current.kind).toBe('destroyed')
  })
})

describe('diffBlocks through the renderer', () => {
  it('sends only the blocks that changed, with every line number', () => {
    const { renderer, workers, shown } = setup()
    const worker = workers[0] as HeldWorker
    renderer.render('# A\n\nb\n\nc\n')
    worker.answer()
    renderer.render('# A\n\nnew\n\n\nc\n')
    worker.answer()
    expect(shown).toEqual(['0/0:<h1>A</h1>\n<p>b</p>\n<p>c</p>\n', '1/1:<p>new</p>\n'])
  })
})
