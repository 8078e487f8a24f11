/**
 * Runs `run` when the page is next idle (`requestIdleCallback`, at most `timeoutMs` later), or in
 * the next task where there is no such thing (Node, Safari): never inside the current task, so
 * never inside a keystroke's handling. Returns a function that cancels it.
 */
export function whenIdle(run: () => void, timeoutMs: number): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(run, { timeout: timeoutMs })
    return () => cancelIdleCallback(handle)
  }
  const timer = setTimeout(run, 0)
  return () => clearTimeout(timer)
}
