/** What Meshpad needs of the page's context: WebCrypto (room keys, encryption) and a secure origin. */
interface PageContext {
  readonly isSecureContext: boolean
  readonly crypto?: { readonly subtle?: unknown }
  readonly location: { readonly protocol: string; readonly host: string; readonly hostname: string; readonly port: string; readonly pathname: string; readonly hash: string }
}

/** Why Meshpad cannot run on this page, in words for the person, with what to do. */
export interface InsecureContextProblem {
  readonly title: string
  readonly explanation: string
  /** Links or steps that would work, each one line. */
  readonly remedies: readonly string[]
}

/**
 * Null when the page can run Meshpad; otherwise what is wrong. NOTE: browsers give WebCrypto
 * (`crypto.subtle`) and service workers only to secure contexts: https, or http on localhost.
 * `http://192.168.1.20:4444` is neither, and y-webrtc's key derivation would throw there, leaving
 * the page "connecting" forever.
 */
export function insecureContextProblem(page: PageContext): InsecureContextProblem | null {
  if (page.isSecureContext && page.crypto?.subtle !== undefined) return null
  const { location } = page
  const port = location.port === '' ? '' : `:${location.port}`
  const rest = `${location.pathname}${location.hash}`
  return {
    title: 'Meshpad cannot run on this address',
    explanation:
      `This page was opened over plain http at ${location.host}. Browsers allow the encryption Meshpad ` +
      'needs (WebCrypto) only on https pages or on this computer itself (localhost), so nothing could ' +
      'be encrypted or synced here.',
    remedies: [
      `Open it over https instead: https://${location.hostname}${port}${rest} (the person running the server sets TLS_CERT_FILE and TLS_KEY_FILE, or puts it behind an https proxy; see the README).`,
      `On the computer running the server, open http://localhost${port}${rest}.`,
    ],
  }
}

/**
 * Renders `problem` into `root` as plain DOM (React and the session never start), so the person
 * reads why instead of watching a page that never connects. `kind` names it for styles and tests
 * (another page-stopping problem, a damaged room link, uses the same page).
 */
export function showInsecureContextProblem(root: HTMLElement, problem: InsecureContextProblem, kind = 'insecure-context'): void {
  const doc = root.ownerDocument
  const box = doc.createElement('main')
  box.className = `page-problem ${kind}`
  box.setAttribute('role', 'alert')
  box.dataset.testid = kind
  const title = doc.createElement('h1')
  title.textContent = problem.title
  const explanation = doc.createElement('p')
  explanation.textContent = problem.explanation
  const list = doc.createElement('ul')
  for (const remedy of problem.remedies) {
    const item = doc.createElement('li')
    item.textContent = remedy
    list.append(item)
  }
  box.append(title, explanation, list)
  root.replaceChildren(box)
}

/**
 * Stops the page with a plain message when it is not a secure context; returns otherwise. The
 * entry module calls it before opening anything.
 */
export function requireSecureContext(page: PageContext & { readonly document: Document }): void {
  const problem = insecureContextProblem(page)
  if (problem === null) return
  const root = page.document.getElementById('root') ?? page.document.body
  showInsecureContextProblem(root, problem)
  // NOTE: stops the entry module here: nothing after this line may run without WebCrypto.
  throw new Error(`${problem.title}: ${problem.explanation}`)
}
