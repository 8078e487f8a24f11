import { insecureContextProblem, type InsecureContextProblem, type PageContext } from './network/insecureContextProblem'
import type { RoomLinkProblem } from './room/roomLinkProblem'

/** A problem that stops the page before anything opens, in words for the person. */
export type PageProblem = InsecureContextProblem | RoomLinkProblem

/**
 * Renders `problem` into `root` as plain DOM (React and the session never start), so the person
 * reads why instead of watching a page that never connects. `kind` names it for styles and tests:
 * an insecure context, or a damaged room link.
 */
export function showPageProblem(root: HTMLElement, problem: PageProblem, kind = 'insecure-context'): void {
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
  showPageProblem(root, problem)
  // Stops the entry module here: nothing after this line may run without WebCrypto.
  throw new Error(`${problem.title}: ${problem.explanation}`)
}
