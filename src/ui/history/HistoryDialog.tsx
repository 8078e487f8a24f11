import { useCallback, useMemo, useState, type FormEvent } from 'react'
import { useModal } from '../app/useModal'
import { authorsSinceLastVersion } from '../../document/history/authorsSinceLastVersion'
import { restoreVersion } from '../../document/history/restoreVersion'
import { MAX_VERSION_LABEL_LENGTH, type Version } from '../../document/history/versionEntry'
import { clientNames, recordVersion, versionSnapshot } from '../../document/history/versionList'
import { rebuildVersion, VersionUnavailableError, type AuthorSpan } from '../../document/history/versionText'
import type { ColorScheme } from '../../editor/editorTheme'
import type { Session } from '../../session/openSession'
import { textFileName } from '../documents/fileName'
import { saveFile } from '../documents/saveFile'
import { useVersions } from './useVersions'
import VersionView, { AUTHOR_COLORS, type AuthorMark } from './VersionView'
import { versionTime, versionTitle } from './versionTitle'
import './history.css'


interface Props {
  readonly open: boolean
  readonly session: Session
  readonly userName: string
  readonly title: string
  readonly language: string
  readonly colorScheme: ColorScheme
  readonly lineWrapping: boolean
  readonly onClose: () => void
}

/** A version chosen in the list, its text rebuilt once (or why it cannot be). */
type Shown = { readonly id: string } & ({ readonly text: string; readonly now: string; readonly spans: readonly AuthorSpan[] } | { readonly error: string })

function rebuild(session: Session, versions: readonly Version[], version: Version): Shown {
  try {
    return { id: version.id, ...rebuildVersion(session.doc, versionSnapshot(versions, version)), now: session.text.toString() }
  } catch (error) {
    return { id: version.id, error: error instanceof VersionUnavailableError ? error.message : 'This version cannot be shown.' }
  }
}

const SOMEONE = 'Someone not named in any version'

/** Marks for the spans of a version's text, colored by author, and the legend of those colors. */
function authorMarks(spans: readonly AuthorSpan[], versions: readonly Version[]): { marks: AuthorMark[]; legend: { name: string; color: string }[] } {
  const names = clientNames(versions)
  const colors = new Map<string, string>()
  const marks = spans.map(({ from, to, client }): AuthorMark => {
    const name = names.get(client) ?? SOMEONE
    let color = colors.get(name)
    if (color === undefined) {
      color = AUTHOR_COLORS[colors.size % AUTHOR_COLORS.length] as string
      colors.set(name, color)
    }
    return { from, to, name, color }
  })
  return { marks, legend: [...colors].map(([name, color]) => ({ name, color })) }
}

/**
 * "History": the versions of the document, newest first; one chosen shows its text as it was,
 * read-only, with what changed since highlighted; it can be restored (a new edit by you, which
 * Ctrl-Z undoes) or downloaded. "Save version" records one by hand. A version's text is rebuilt
 * once, when it is chosen. The app loads this module (with @codemirror/merge) as its own
 * chunk and mounts it only while History is open, so it costs nothing before.
 */
export default function HistoryDialog({ open, session, userName, title, language, colorScheme, lineWrapping, onClose }: Props) {
  const versions = useVersions(session, open)
  const [shown, setShown] = useState<Shown | null>(null)
  const [label, setLabel] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const [showAuthors, setShowAuthors] = useState(false)

  const close = useCallback(() => {
    setShown(null)
    setMessage(null)
    onClose()
  }, [onClose])
  const ref = useModal(open, close)

  const version = shown === null ? undefined : versions.find((each) => each.id === shown.id)

  const save = (event: FormEvent): void => {
    event.preventDefault()
    recordVersion(session.doc, { by: userName, ...authorsSinceLastVersion(session.doc, session.awareness, userName), kind: 'manual', label })
    setLabel('')
    setMessage('Version saved.')
  }
  const restore = (): void => {
    if (version === undefined) return
    try {
      restoreVersion(session.doc, version, { name: userName, ...authorsSinceLastVersion(session.doc, session.awareness, userName) })
      ref.current?.close()
    } catch (error) {
      setMessage(error instanceof Error ? `Not restored: ${error.message}` : 'Not restored.')
    }
  }
  const download = (): void => {
    if (version === undefined || shown === null || !('text' in shown)) return
    const stamp = new Date(version.time).toISOString().slice(0, 16).replace('T', ' ').replace(':', '-')
    saveFile(textFileName(`${title.trim() || 'untitled'} ${stamp}`, language), new Blob([shown.text], { type: 'text/plain;charset=utf-8' }))
  }

  // The view re-renders only when the version, the versions or the toggle change, not as a name is typed.
  const { marks, legend } = useMemo(
    () => authorMarks(shown !== null && 'spans' in shown && showAuthors ? shown.spans : [], versions),
    [shown, showAuthors, versions],
  )
  const newestFirst = [...versions].reverse()
  const oldest = versions[0]
  return (
    <dialog ref={ref} className="history" aria-labelledby="history-title">
      <header>
        <h2 id="history-title">History</h2>
        <button type="button" className="close" aria-label="Close" onClick={() => ref.current?.close()}>
          ×
        </button>
      </header>
      <div className="history-body">
        <section className="history-versions" aria-label="Versions">
          <form className="save-version" onSubmit={save}>
            <input
              aria-label="Version name"
              placeholder="Name (optional)"
              value={label}
              maxLength={MAX_VERSION_LABEL_LENGTH}
              onChange={(event) => setLabel(event.target.value)}
            />
            <button type="submit">Save version</button>
          </form>
          {message && (
            <p className="message" role="status">
              {message}
            </p>
          )}
          {versions.length === 0 && <p className="muted">No versions yet. One is saved when someone pauses typing, or save one now.</p>}
          <ul className="version-list">
            {newestFirst.map((each) => (
              <li key={each.id} data-testid="version-entry">
                <button type="button" aria-pressed={each.id === shown?.id} onClick={() => setShown(rebuild(session, versions, each))}>
                  <span className="version-title">{versionTitle(each, versions)}</span>
                  <span className="version-details">
                    {versionTime(each.time)} · {each.authors.length > 0 ? each.authors.join(', ') : each.by}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <p className="muted history-start">
            {oldest === undefined
              ? 'History starts with the first version: earlier changes were not kept.'
              : `History starts from ${versionTime(oldest.time)}: earlier changes were not kept.`}
          </p>
        </section>
        <section className="history-shown" aria-label="Chosen version">
          {shown === null || version === undefined ? (
            <p className="muted">Choose a version to see the document as it was.</p>
          ) : 'error' in shown ? (
            <p className="message error">{shown.error}</p>
          ) : (
            <>
              <div className="buttons">
                <button type="button" className="primary" onClick={restore}>
                  Restore this version
                </button>
                <button type="button" onClick={download}>
                  Download this version
                </button>
                <label className="toggle">
                  <input type="checkbox" checked={showAuthors} onChange={(event) => setShowAuthors(event.target.checked)} />
                  Who wrote what
                </label>
              </div>
              {showAuthors && (
                <ul className="author-legend" aria-label="Authors">
                  {legend.map(({ name, color }) => (
                    <li key={name}>
                      <span className="swatch" style={{ background: color }} /> {name}
                    </li>
                  ))}
                </ul>
              )}
              <p className="muted legend">
                The document as it was on {versionTime(version.time)}. Highlighted: what changed since; the red lines are what the document has now instead. Comments are not shown for earlier versions; restoring one keeps today's comments.
              </p>
              <VersionView text={shown.text} now={shown.now} authors={marks} language={language} colorScheme={colorScheme} lineWrapping={lineWrapping} />
            </>
          )}
        </section>
      </div>
    </dialog>
  )
}
