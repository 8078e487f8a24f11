/** The W3C WebDriver key for an element reference in a response. */
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'

/**
 * A session of a W3C WebDriver server (here WebKitWebDriver), spoken over plain HTTP: only the
 * commands the tests use. Every command rejects with the driver's error when it fails.
 * `delete()` is idempotent.
 */
export class WebDriverSession {
  private deleted: Promise<void> | null = null

  private constructor(
    private readonly base: string,
    readonly id: string,
  ) {}

  /** Opens a session on the driver at `driverUrl` (e.g. `http://127.0.0.1:4444`). */
  static async create(driverUrl: string, capabilities: Record<string, unknown>): Promise<WebDriverSession> {
    const value = await command<{ sessionId: string }>('POST', `${driverUrl}/session`, { capabilities: { alwaysMatch: capabilities } })
    return new WebDriverSession(`${driverUrl}/session/${value.sessionId}`, value.sessionId)
  }

  /** Loads `url` and returns once the page has loaded. */
  async navigate(url: string): Promise<void> {
    await command('POST', `${this.base}/url`, { url })
  }

  async refresh(): Promise<void> {
    await command('POST', `${this.base}/refresh`, {})
  }

  /** Runs `script` (a function body; `arguments` holds `args`) in the page and returns its result. */
  async execute<T>(script: string, ...args: unknown[]): Promise<T> {
    return command<T>('POST', `${this.base}/execute/sync`, { script, args })
  }

  /** Polls `script` until it returns a truthy value; rejects after `timeoutMs` with `what`. */
  async waitFor(what: string, script: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let last: unknown
    while (Date.now() < deadline) {
      last = await this.execute<unknown>(script).catch((error: unknown) => error)
      if (last === true) return
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    throw new Error(`WebDriver: timed out after ${timeoutMs} ms waiting for ${what} (last result: ${String(last)})`)
  }

  /** Types `text` into the first element matching `selector`, as keys (W3C Element Send Keys). */
  async sendKeys(selector: string, text: string): Promise<void> {
    const element = await command<Record<string, string>>('POST', `${this.base}/element`, { using: 'css selector', value: selector })
    await command('POST', `${this.base}/element/${element[ELEMENT]}/value`, { text })
  }

  /** Ends the session (the driver closes the browser). */
  delete(): Promise<void> {
    this.deleted ??= command('DELETE', this.base).then(() => undefined)
    return this.deleted
  }
}

async function command<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const reply = (await response.json()) as { value: T & { error?: string; message?: string } }
  if (!response.ok) throw new Error(`WebDriver ${method} ${url}: ${reply.value.error ?? response.status}: ${reply.value.message ?? ''}`)
  return reply.value
}
