import { useCallback, useRef, useState, type ChangeEvent } from 'react'
import { useModal } from '../app/useModal'
import type { DocumentEntry, DocumentLibrary } from '../../library/DocumentLibrary'
import {
  decodeDocumentFile,
  DocumentFileError,
  encodeDocumentFile,
  MAX_DOCUMENT_FILE_BYTES,
  mergeImportedDocument,
  type ImportedDocument,
} from '../../document/documentFile'
import type { Session } from '../../session/openSession'
import { storeCopyOf, storeNewDocument } from '../../library/storeNewDocument'
import { languageInfo } from '../../editor/languages'
import { byteSize } from './byteSize'
import { documentFileName, textFileName } from './fileName'
import { useDocumentList } from './useDocumentList'
import { useStorageInfo } from './useStorageInfo'
import { relativeTime } from './relativeTime'
import { saveFile } from './saveFile'

interface Props {
  readonly open: boolean
  readonly session: Session
  readonly library: DocumentLibrary
  readonly title: string
  readonly language: string
  readonly onClose: () => void
  /** Opens the document of `secret` (a new history entry). */
  readonly onOpen: (secret: string) => void
  /** Deletes this browser's copy; leaves the document first if it is the open one. */
  readonly onDelete: (topic: string) => Promise<void>
}

type Message = { readonly kind: 'error' | 'done'; readonly text: string }

const displayTitle = (title: string): string => title.trim() || 'Untitled'

function DeleteConfirmation({ entry, onCancel, onConfirm }: { entry: DocumentEntry | null; onCancel: () => void; onConfirm: () => void }) {
  const ref = useModal(entry !== null, onCancel)
  return (
    <dialog ref={ref} className="confirm" role="alertdialog" aria-labelledby="delete-title" aria-describedby="delete-text">
      {entry && (
        <>
          <h3 id="delete-title">Delete “{displayTitle(entry.title)}” from this browser?</h3>
          <p id="delete-text">
            This removes the copy stored in this browser. Other peers keep their copies, and anyone with the link can
            still open it: opening the link here again brings back whatever a connected peer still has.
          </p>
          <div className="buttons">
            {/* The safe choice has the focus. */}
            <button type="button" autoFocus onClick={onCancel}>
              Cancel
            </button>
            <button type="button" className="danger" onClick={onConfirm}>
              Delete from this browser
            </button>
          </div>
        </>
      )}
    </dialog>
  )
}

/**
 * "My documents": the documents stored in this browser, newest first (open, delete), what this
 * document can be turned into (text file, export, copy) or receive (import), and whether the
 * browser may evict the storage.
 */
export function DocumentsDialog({ open, session, library, title, language, onClose, onOpen, onDelete }: Props) {
  const [message, setMessage] = useState<Message | null>(null)
  const [pending, setPending] = useState<ImportedDocument | null>(null)
  const close = useCallback(() => {
    setMessage(null)
    setPending(null)
    onClose()
  }, [onClose])
  const ref = useModal(open, close)
  const list = useDocumentList(library, open)
  const storage = useStorageInfo(open)
  const fileInput = useRef<HTMLInputElement>(null)
  const [toDelete, setToDelete] = useState<DocumentEntry | null>(null)
  const [busy, setBusy] = useState(false)
  const now = list.readAt

  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true)
    try {
      await action()
    } catch (error) {
      setMessage({ kind: 'error', text: error instanceof Error ? error.message : String(error) })
    } finally {
      setBusy(false)
    }
  }

  const downloadText = (): void => {
    saveFile(textFileName(title, language), new Blob([session.text.toString()], { type: 'text/plain;charset=utf-8' }))
  }
  const exportDocument = (): void => {
    saveFile(documentFileName(title), new Blob([encodeDocumentFile(session.doc)], { type: 'application/json' }))
  }
  const makeCopy = (): void => {
    void run(async () => onOpen(await storeCopyOf(session.doc, library)))
  }

  const readImport = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0]
    event.target.value = ''
    if (file === undefined) return
    setPending(null)
    setMessage(null)
    try {
      if (file.size > MAX_DOCUMENT_FILE_BYTES) throw new DocumentFileError('This file is too large to be a Meshpad document.')
      setPending(decodeDocumentFile(await file.text()))
    } catch (error) {
      const reason = error instanceof DocumentFileError ? error.message : 'This file could not be read.'
      setMessage({ kind: 'error', text: `Not imported: ${reason} Nothing was changed.` })
    }
  }
  const importAsNew = (imported: ImportedDocument): void => {
    void run(async () => {
      setPending(null)
      onOpen(await storeNewDocument(imported.update, library))
    })
  }
  const importByMerging = (imported: ImportedDocument): void => {
    const { withheldDeletions } = mergeImportedDocument(session.doc, imported)
    setPending(null)
    // A merge never deletes text this document already had (see importUpdate.ts); say so.
    const kept = withheldDeletions > 0 ? ' Text the file had deleted but this document still had was kept.' : ''
    setMessage({ kind: 'done', text: `Merged “${displayTitle(imported.title)}” into this document.${kept}` })
  }

  const confirmDelete = (): void => {
    const entry = toDelete
    setToDelete(null)
    if (entry === null) return
    void run(async () => {
      await onDelete(entry.topic)
      setMessage({ kind: 'done', text: `Deleted “${displayTitle(entry.title)}” from this browser.` })
    })
  }

  const info = storage.info
  return (
    <dialog ref={ref} className="documents" aria-labelledby="documents-title">
      <header>
        <h2 id="documents-title">My documents</h2>
        <button type="button" className="close" aria-label="Close" onClick={close}>
          ×
        </button>
      </header>

      <section aria-labelledby="this-document">
        <h3 id="this-document">This document</h3>
        <div className="buttons">
          <button type="button" onClick={downloadText}>
            Download text (.{languageInfo(language).extension})
          </button>
          <button type="button" onClick={exportDocument} title="The whole document, to import in any Meshpad">
            Export document
          </button>
          <button type="button" disabled={busy} onClick={makeCopy} title="A new document with a new link, with this content">
            Make a copy
          </button>
          <button type="button" disabled={busy} onClick={() => fileInput.current?.click()}>
            Import a file…
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            hidden
            data-testid="import-file"
            onChange={(event) => void readImport(event)}
          />
        </div>
        {pending && (
          <div className="import-choice" role="group" aria-label="Import">
            <p>
              “{displayTitle(pending.title)}”: {languageInfo(pending.language).label}, {pending.text.length} characters,
              exported {new Date(pending.exportedAt).toLocaleString()}.
            </p>
            <div className="buttons">
              <button type="button" className="primary" disabled={busy} onClick={() => importAsNew(pending)}>
                Open as a new document
              </button>
              <button
                type="button"
                disabled={session === null || !session.access.canEdit}
                title={session?.access.canEdit === false ? 'A read-only link cannot change this document' : undefined}
                onClick={() => importByMerging(pending)}
              >
                Merge into this document
              </button>
              <button type="button" onClick={() => setPending(null)}>
                Cancel
              </button>
            </div>
          </div>
        )}
        {message && (
          <p className={`message ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
            {message.text}
          </p>
        )}
      </section>

      <section aria-labelledby="stored-documents">
        <h3 id="stored-documents">Stored in this browser</h3>
        {list.error && <p className="message error">The list cannot be read: {list.error}</p>}
        {list.entries?.length === 0 && <p className="muted">No documents yet: whatever you type in one is listed here.</p>}
        <ul className="document-list">
          {list.entries?.map((entry) => {
            const current = entry.topic === session?.topic
            return (
              <li key={entry.topic} data-testid="document-entry" aria-current={current ? 'page' : undefined}>
                <button type="button" className="open" disabled={current} onClick={() => onOpen(entry.secret)}>
                  {displayTitle(entry.title)}
                  {current && <span className="muted"> (open)</span>}
                </button>
                <span className="details">
                  {languageInfo(entry.language).label} · edited {relativeTime(entry.lastEditedAt, now)} ·{' '}
                  {current && (session?.status.peers ?? 0) > 0
                    ? 'peers connected now'
                    : entry.lastPeerSeenAt === null
                      ? 'no peer seen yet'
                      : `peer seen ${relativeTime(entry.lastPeerSeenAt, now)}`}
                </span>
                <button type="button" className="delete" disabled={busy} aria-label={`Delete “${displayTitle(entry.title)}”`} onClick={() => setToDelete(entry)}>
                  Delete
                </button>
              </li>
            )
          })}
        </ul>
      </section>

      <footer className="storage-info" data-testid="storage-info">
        {info === null ? (
          'Reading storage…'
        ) : (
          <>
            <span data-persisted={String(info.persisted)}>
              {info.persisted === true
                ? 'Storage is persistent: the browser keeps it when space runs low.'
                : info.persisted === false
                  ? 'Storage is not persistent: the browser may clear it when space runs low. Export what matters.'
                  : 'This browser does not say whether it may clear storage.'}
            </span>
            {info.usage !== null && (
              <span>
                {' '}
                {byteSize(info.usage)} used{info.quota !== null && ` of ${byteSize(info.quota)}`}.
              </span>
            )}
            {info.persisted === false && (
              <button type="button" onClick={storage.persist}>
                Ask to keep storage
              </button>
            )}
          </>
        )}
      </footer>

      <DeleteConfirmation entry={toDelete} onCancel={() => setToDelete(null)} onConfirm={confirmDelete} />
    </dialog>
  )
}
