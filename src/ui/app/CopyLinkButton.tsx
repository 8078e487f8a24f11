import { useCopyResult } from './useCopyResult'

/** Copies `text` to the clipboard, with the selection fallback where the Clipboard API is refused. */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    try {
      await navigator.clipboard.writeText(text)
      return
    } catch {
      // Denied (e.g. an insecure origin on a LAN address); the selection fallback below
      // still works there.
    }
  }
  const field = document.createElement('textarea')
  field.value = text
  field.setAttribute('readonly', '')
  field.style.position = 'fixed'
  field.style.opacity = '0'
  document.body.append(field)
  field.select()
  const ok = document.execCommand('copy')
  field.remove()
  if (!ok) throw new Error('copy refused')
}

/** Copies the room link (the full URL, fragment included) and confirms it visibly. */
export function CopyLinkButton({ readOnly = false }: { readOnly?: boolean }) {
  const [result, setResult] = useCopyResult()

  const copy = (): void => {
    copyText(window.location.href).then(
      () => setResult('copied'),
      () => setResult('failed'),
    )
  }

  return (
    <span className="copy-link">
      <button type="button" className="primary" onClick={copy} title={readOnly ? 'Anyone with this link can read the document, not edit it' : 'Anyone with this link can edit the document'}>
        Copy link
      </button>
      <span className="copy-result" role="status" aria-live="polite">
        {result === 'copied' ? 'Link copied' : result === 'failed' ? 'Copy failed: copy the address bar' : ''}
      </span>
    </span>
  )
}
