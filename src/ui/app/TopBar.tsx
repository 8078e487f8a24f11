import type { ReactNode } from 'react'
import { MAX_TITLE_LENGTH } from '../../document/docMeta'
import { LANGUAGES, languageInfo } from '../../editor/languages'
import { CopyLinkButton } from './CopyLinkButton'

interface Props {
  readonly title: string
  readonly language: string
  readonly lineWrapping: boolean
  readonly disabled: boolean
  readonly onTitle: (title: string) => void
  readonly onLanguage: (language: string) => void
  readonly onLineWrapping: (on: boolean) => void
  readonly onNewDocument: () => void
  readonly onShowDocuments: () => void
  readonly onShowHistory: () => void
  /** Controls of features that apply to this document (the Markdown preview's toggle). */
  readonly extra?: ReactNode
  /** Shown beside the title (e.g. the read-only mark). */
  readonly badge?: ReactNode
  /** Shown beside "Copy link" (e.g. "Copy read-only link"). */
  readonly share?: ReactNode
}

/** Title, language, wrapping, sharing, "New document", "History" and "My documents": everything about the document. */
export function TopBar(props: Props) {
  const known = languageInfo(props.language).id === props.language
  return (
    <header className="topbar">
      <a className="brand" href="./" onClick={(event) => { event.preventDefault(); props.onNewDocument() }} title="Meshpad: start a new document">
        Meshpad
      </a>
      <input
        className="title"
        aria-label="Document title"
        placeholder="Untitled"
        value={props.title}
        maxLength={MAX_TITLE_LENGTH}
        disabled={props.disabled}
        onChange={(event) => props.onTitle(event.target.value)}
      />
      {props.badge}
      <div className="actions">
        <select
          aria-label="Language"
          value={props.language}
          disabled={props.disabled}
          onChange={(event) => props.onLanguage(event.target.value)}
        >
          {!known && <option value={props.language}>Plain text ({props.language})</option>}
          {LANGUAGES.map((language) => (
            <option key={language.id} value={language.id}>
              {language.label}
            </option>
          ))}
        </select>
        <label className="toggle">
          <input type="checkbox" checked={props.lineWrapping} onChange={(event) => props.onLineWrapping(event.target.checked)} />
          Wrap
        </label>
        {props.extra}
        <CopyLinkButton readOnly={props.disabled} />
        {props.share}
        <button type="button" onClick={props.onNewDocument}>
          New document
        </button>
        <button type="button" onClick={props.onShowHistory} aria-haspopup="dialog" title="Earlier versions of this document: see, compare, restore">
          History
        </button>
        <button type="button" onClick={props.onShowDocuments} aria-haspopup="dialog" title="Documents stored in this browser; download, export, import, copy">
          My documents
        </button>
      </div>
    </header>
  )
}
