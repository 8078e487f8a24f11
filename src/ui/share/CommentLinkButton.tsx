import type { Session } from '../../session/openSession'
import { copyText } from '../app/CopyLinkButton'
import { useCopyResult } from '../app/useCopyResult'
import { linkWith } from './ReadOnlyLinkButton'

/**
 * "Copy comment link": copies the link that lets people read and comment but not change the text.
 * Only a signed room's edit link can make it (it derives the comment key); elsewhere it is absent.
 */
export function CommentLinkButton({ session }: { readonly session: Session }) {
  const [result, setResult] = useCopyResult()
  const fragment = session.access.commentFragment
  if (fragment === null) return null

  const copy = (): void => {
    fragment
      .then((value) => copyText(linkWith(value)))
      .then(
        () => setResult('copied'),
        () => setResult('failed'),
      )
  }

  return (
    <span className="copy-link">
      <button type="button" onClick={copy} title="People with this link can read and comment, not change the text">
        Copy comment link
      </button>
      <span className="copy-result" role="status" aria-live="polite">
        {result === 'copied' ? 'Comment link copied' : result === 'failed' ? 'Copy failed' : ''}
      </span>
    </span>
  )
}
