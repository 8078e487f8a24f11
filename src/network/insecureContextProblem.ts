/** What Meshpad needs of the page's context: WebCrypto (room keys, encryption) and a secure origin. */
export interface PageContext {
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
 * Null when the page can run Meshpad; otherwise what is wrong. Browsers give WebCrypto
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
      `Open it over https instead: https://${location.hostname}${port}${rest} (the person running the server sets TLS_CERT_FILE and TLS_KEY_FILE, or puts it behind an https proxy; see docs/https.md).`,
      `On the computer running the server, open http://localhost${port}${rest}.`,
    ],
  }
}
