import DOMPurify, { type Config, type UponSanitizeAttributeHookEvent, type WindowLike } from 'dompurify'

/** Turns markdown-it's HTML into nodes the preview may insert. */
export interface PreviewSanitizer {
  /**
   * The sanitised `html`, as nodes of the page's document (never serialised and parsed again, so
   * no mutation-XSS round trip). Images on hosts outside `imageHosts` have no `src`: they carry
   * `data-remote-host` instead (or `data-blocked="insecure"` for `http:`).
   */
  sanitize(html: string, imageHosts: ReadonlySet<string>): DocumentFragment
}

/**
 * What a Markdown preview needs and nothing that runs, styles or fetches: no script, style,
 * iframe, object, embed, form, svg, math, media or meta elements.
 */
const ALLOWED_TAGS = [
  'a', 'abbr', 'b', 'bdi', 'bdo', 'blockquote', 'br', 'caption', 'cite', 'code', 'dd', 'del', 'details',
  'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i',
  'img', 'input', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 'rp', 'rt', 'ruby', 's', 'samp',
  'small', 'span', 'strike', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th',
  'thead', 'tr', 'tt', 'u', 'ul', 'var', 'wbr',
]

/** No `style`, `id`/`name` (DOM clobbering), `srcset`/`background`/`poster` (fetches), `on*`, `data-*`, `aria-*`. */
const ALLOWED_ATTR = [
  'href', 'src', 'alt', 'title', 'class', 'align', 'colspan', 'rowspan', 'start', 'reversed', 'open',
  'type', 'checked', 'disabled', 'lang', 'dir', 'width', 'height',
]

/** Classes markdown-it and the task-list rule give; any other class is dropped (no app styles). */
const ALLOWED_CLASS = /^(?:language-[\w+#.-]{1,40}|task-list-item|contains-task-list|task-list-item-checkbox)$/

/** Image data the preview shows inline: pictures only (an SVG in `<img>` runs no script, loads nothing). */
const DATA_IMAGE = /^data:image\/(?:png|gif|jpeg|webp|avif|bmp|svg\+xml)[;,]/i

const LINK_PROTOCOLS = new Set(['http:', 'https:', 'mailto:'])

const CONFIG: Config = {
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  // Absolute http(s)/mailto only: a relative or `#…` link would navigate the app itself
  // (a fragment is a room key: `#other` opens another room).
  ALLOWED_URI_REGEXP: /^(?:https?|mailto):/i,
  SANITIZE_NAMED_PROPS: true,
}

function absoluteUrl(value: string | null): URL | null {
  if (value === null) return null
  try {
    return new URL(value)
  } catch {
    return null
  }
}

function filterClasses(event: UponSanitizeAttributeHookEvent): void {
  if (event.attrName !== 'class') return
  const kept = event.attrValue.split(/\s+/).filter((name) => ALLOWED_CLASS.test(name))
  event.attrValue = kept.join(' ')
  if (kept.length === 0) event.keepAttr = false
}

function secureLink(link: Element): void {
  const url = absoluteUrl(link.getAttribute('href'))
  if (url === null || !LINK_PROTOCOLS.has(url.protocol)) {
    link.removeAttribute('href')
    return
  }
  link.setAttribute('href', url.href)
  // A new browsing context with no opener and no Referer: the linked page never learns
  // this page's address (the room key is its fragment) and cannot script or navigate this tab.
  link.setAttribute('target', '_blank')
  link.setAttribute('rel', 'noopener noreferrer')
  link.setAttribute('referrerpolicy', 'no-referrer')
}

function guardImage(image: Element, hosts: ReadonlySet<string>): void {
  const src = image.getAttribute('src')
  image.removeAttribute('src')
  if (src === null) return
  if (DATA_IMAGE.test(src)) {
    image.setAttribute('src', src)
    return
  }
  const url = absoluteUrl(src)
  if (url?.protocol === 'https:') {
    if (hosts.has(url.host)) {
      image.setAttribute('src', url.href)
      image.setAttribute('referrerpolicy', 'no-referrer')
      image.setAttribute('loading', 'lazy')
    } else {
      // Each load tells the host who reads what, and when: ask first.
      image.setAttribute('data-remote-host', url.host)
    }
  } else if (url?.protocol === 'http:') {
    image.setAttribute('data-blocked', 'insecure')
  }
}

/**
 * Only task-list checkboxes exist in a preview: whatever the text says, no field, no image input.
 * Each is named "Task" (a form control needs a name; its state says whether it is done).
 */
function inertCheckbox(input: Element): void {
  for (const name of input.getAttributeNames()) {
    if (name !== 'checked' && name !== 'class') input.removeAttribute(name)
  }
  input.setAttribute('type', 'checkbox')
  input.setAttribute('disabled', '')
  input.setAttribute('title', 'Task')
}

/**
 * The preview's sanitiser: DOMPurify with an allow-list for Markdown, plus the preview's rules
 * for links (absolute http/https/mailto only, new tab, no opener, no Referer) and images (data
 * URLs of pictures; https images only from hosts the person agreed to; nothing else). It is the
 * wall between other people's text and this page; the server's Content-Security-Policy is the
 * second one.
 */
export function createPreviewSanitizer(window: WindowLike): PreviewSanitizer {
  const purify = DOMPurify(window)
  let imageHosts: ReadonlySet<string> = new Set()
  purify.addHook('uponSanitizeAttribute', (_node, event) => filterClasses(event))
  purify.addHook('afterSanitizeAttributes', (node) => {
    switch (node.nodeName) {
      case 'A':
        return secureLink(node)
      case 'IMG':
        return guardImage(node, imageHosts)
      case 'INPUT':
        return inertCheckbox(node)
    }
  })
  return {
    sanitize(html, hosts) {
      imageHosts = hosts
      try {
        return purify.sanitize(html, { ...CONFIG, RETURN_DOM_FRAGMENT: true })
      } finally {
        imageHosts = new Set()
      }
    },
  }
}
