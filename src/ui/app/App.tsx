import { lazy, Suspense, useCallback, useEffect, useState } from 'react'
import { setDocLanguage, setDocTitle } from '../../document/docMeta'
import type { DocumentLibrary } from '../../library/DocumentLibrary'
import type { Workspace } from '../../session/Workspace'
// "My documents" loads on first open, outside the first visit's JavaScript.
import { LazyDocumentsDialog } from '../documents/LazyDocumentsDialog'
import { EditorPane } from './EditorPane'
import { PeopleList } from '../people/PeopleList'
import { StatusBar } from '../status/StatusBar'
import { TopBar } from './TopBar'
import { UpdateBanner } from '../update/UpdateBanner'
import { storeCopyOf } from '../../library/storeNewDocument'
import { CommentLinkButton } from '../share/CommentLinkButton'
import { ReadOnlyLinkButton } from '../share/ReadOnlyLinkButton'
import { ReadOnlyMark } from '../share/ReadOnlyMark'
import { useColorScheme } from './useColorScheme'
import { useDocMeta } from './useDocMeta'
import { useLocalPreference } from './useLocalPreference'
import { usePeople } from '../people/usePeople'
import { usePersistAfterFirstEdit } from './usePersistAfterFirstEdit'
import { useUser } from '../people/useUser'
import { useWorkspace } from './useWorkspace'
import { EditorViewSlot } from './EditorViewSlot'
import { LazyPreviewPane } from '../preview/LazyPreviewPane'
import { PreviewToggle } from '../preview/PreviewToggle'
import { usePreviewChoice } from '../preview/usePreviewChoice'
import { CommentControls } from '../comments/CommentControls'
import { LazyCommentsPanel } from '../comments/LazyCommentsPanel'
import { useComments } from '../comments/useComments'

// History (and @codemirror/merge) loads as its own chunk the first time it is opened.
const HistoryDialog = lazy(() => import('../history/HistoryDialog'))
const RemoveDialog = lazy(() => import('../removal/RemoveDialog'))

/** The whole page: the workspace's open document. */
export function App({ workspace, library }: { workspace: Workspace; library: DocumentLibrary }) {
  const { session, notice } = useWorkspace(workspace)
  const [user, rename] = useUser()
  const meta = useDocMeta(session)
  const people = usePeople(session)
  const colorScheme = useColorScheme()
  const [lineWrapping, setLineWrapping] = useLocalPreference('meshpad/v1/lineWrapping', true)
  const [showDocuments, setShowDocuments] = useState(false)
  const [showHistory, setShowHistory] = useState(false)
  const [showRemove, setShowRemove] = useState(false)
  usePersistAfterFirstEdit(session)
  // Markdown preview: the toggle, the editor view it follows.
  const preview = usePreviewChoice(meta.language)
  const [viewSlot] = useState(() => new EditorViewSlot())
  const comments = useComments(session, viewSlot, user.name)

  useEffect(() => workspace.setUser(user), [workspace, user])

  useEffect(() => {
    document.title = `${meta.title.trim() || 'Untitled'} · Meshpad`
  }, [meta.title])

  const onTitle = useCallback((title: string) => setDocTitle(session.doc, title), [session])
  const onLanguage = useCallback((language: string) => setDocLanguage(session.doc, language), [session])
  const onNewDocument = useCallback(() => workspace.newDocument(), [workspace])
  const onOpenDocument = useCallback(
    (next: string) => {
      setShowDocuments(false)
      workspace.open(next)
    },
    [workspace],
  )
  const onDeleteDocument = useCallback((topic: string) => workspace.deleteDocument(topic), [workspace])
  const onShowDocuments = useCallback(() => setShowDocuments(true), [])
  const onCloseDocuments = useCallback(() => setShowDocuments(false), [])
  const onShowHistory = useCallback(() => setShowHistory(true), [])
  const onCloseHistory = useCallback(() => setShowHistory(false), [])
  const onCloseRemove = useCallback(() => setShowRemove(false), [])
  const onDismissNotice = useCallback(() => workspace.dismissNotice(), [workspace])
  // A v1 room gets a read-only link by moving to a new (v2) room.
  const onMoveToNewLink = useCallback(async () => {
    const fragment = await storeCopyOf(session.doc, library)
    workspace.open(fragment)
    return fragment
  }, [session, library, workspace])
  const canEdit = session.access.canEdit

  return (
    <div className="app">
      <UpdateBanner session={session} />
      {notice && (
        <div className="notice" role="status">
          <span>{notice}</span>
          <button type="button" onClick={onDismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      <TopBar
        title={meta.title}
        language={meta.language}
        lineWrapping={lineWrapping}
        disabled={!canEdit}
        badge={canEdit ? null : <ReadOnlyMark canComment={session.access.canComment} />}
        share={
          <>
            <CommentLinkButton session={session} />
            <ReadOnlyLinkButton session={session} onMoveToNewLink={onMoveToNewLink} />
            {session.removal?.canRemove && (
              <button type="button" aria-haspopup="dialog" onClick={() => setShowRemove(true)} title="Move this document to a new link without some of the people who have it">
                Remove someone…
              </button>
            )}
          </>
        }
        onTitle={onTitle}
        onLanguage={onLanguage}
        onLineWrapping={setLineWrapping}
        onNewDocument={onNewDocument}
        onShowDocuments={onShowDocuments}
        onShowHistory={onShowHistory}
        extra={
          <>
            {preview.available && <PreviewToggle on={preview.chosen} onChange={preview.choose} />}
            <CommentControls ui={comments} canComment={session.access.canComment} />
          </>
        }
      />
      <main className="workspace" data-preview={preview.shown ? 'on' : 'off'}>
        <EditorPane session={session} language={meta.language} lineWrapping={lineWrapping} colorScheme={colorScheme} onView={viewSlot.set} />
        {preview.shown && <LazyPreviewPane session={session} viewSlot={viewSlot} colorScheme={colorScheme} />}
        {comments.panelOpen && <LazyCommentsPanel ui={comments} viewSlot={viewSlot} canComment={session.access.canComment} />}
        <PeopleList people={people} selfName={user.name} onRename={rename} />
      </main>
      <StatusBar session={session} />
      {showHistory && (
        <Suspense fallback={null}>
          <HistoryDialog
            open
            session={session}
            userName={user.name}
            title={meta.title}
            language={meta.language}
            colorScheme={colorScheme}
            lineWrapping={lineWrapping}
            onClose={onCloseHistory}
          />
        </Suspense>
      )}
      {showRemove && session.removal && (
        <Suspense fallback={null}>
          <RemoveDialog key={session.topic} removal={session.removal} onClose={onCloseRemove} />
        </Suspense>
      )}
      <LazyDocumentsDialog
        open={showDocuments}
        session={session}
        library={library}
        title={meta.title}
        language={meta.language}
        onClose={onCloseDocuments}
        onOpen={onOpenDocument}
        onDelete={onDeleteDocument}
      />
    </div>
  )
}
