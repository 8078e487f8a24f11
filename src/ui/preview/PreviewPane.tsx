import { useEffect, useRef } from 'react'
import type { EditorView } from '@codemirror/view'
import type { ColorScheme } from '../../editor/editorTheme'
import type { Session } from '../../session/openSession'
import { useLivePreview } from './useLivePreview'
import { useScrollSync } from './useScrollSync'
import './preview.css'

interface Props {
  readonly session: Session
  /** The editor beside it: code colours and scroll position come from it. */
  readonly editorView: EditorView | null
  readonly colorScheme: ColorScheme
}

/**
 * The rendered Markdown of the session's text, live. Other people's text is sanitised before it
 * is shown (see `createPreviewSanitizer`), and images from other sites wait for the person's
 * "Load images from …".
 */
export function PreviewPane({ session, editorView, colorScheme }: Props) {
  const body = useRef<HTMLDivElement>(null)
  const { view, blockedHosts, error } = useLivePreview(session, body, editorView)
  useScrollSync(editorView, view)
  // The editor's highlighter classes change with its theme (reconfigured before this runs).
  useEffect(() => view?.rehighlight(), [view, colorScheme])

  return (
    <section className="preview" aria-label="Preview">
      {blockedHosts.length > 0 && (
        <div className="preview-consent" role="note">
          <span>Images from other sites are not loaded: each load tells that site who is reading, and when.</span>
          {blockedHosts.map((host) => (
            <button key={host} type="button" onClick={() => view?.allowImagesFrom(host)}>
              Load images from {host}
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className="preview-error" role="status">
          {error}
        </p>
      )}
      <div className="preview-body" ref={body} data-testid="preview-body" />
    </section>
  )
}
