/**
 * A request to run `run`, one run at a time: a request made while it runs leads to exactly one
 * more run once it is done, so what changed during a run is never left for some later request.
 * Nothing runs once `stopped()` is true.
 */
export function coalescedRunner(run: () => Promise<unknown>, stopped: () => boolean): () => void {
  let running = false
  let again = false
  const request = (): void => {
    if (stopped()) return
    if (running) {
      again = true
      return
    }
    running = true
    void run().finally(() => {
      running = false
      if (!again) return
      again = false
      request()
    })
  }
  return request
}
