import { useCallback, useEffect, useState } from 'react'
import { createRoomSecret } from '../../room/roomLink'
import { setDocLanguage, setDocTitle } from '../../document/docMeta'
import type { DocumentLibrary } from '../../library/DocumentLibrary'
import { whenRoomClosed } from '../../session/openSession'
import { DocumentsDialog } from '../documents/DocumentsDialog'
import { EditorPane } from './EditorPane'
import { PeopleList } from '../people/PeopleList'
import { StatusBar } from '../status/StatusBar'
import { TopBar } from './TopBar'
import { UpdateBanner } from '../update/UpdateBanner'
import { useColorScheme } from './useColorScheme'
import { useDocMeta } from './useDocMeta'
import { useLocalPreference } from './useLocalPreference'
import { usePeople } from '../people/usePeople'
import { usePersistAfterFirstEdit } from './usePersistAfterFirstEdit'
import { useRoomSecret } from './useRoomSecret'
import { useSession } from './useSession'
import { useUser } from '../people/useUser'

/** Leaves the open document for a new one, replacing it in the history (it is gone). */
function replaceWithNewDocument(): void {
  window.location.replace(`#${createRoomSecret()}`)
}

/** The whole page: one room, the one in the URL. */
export function App({ library }: { library: DocumentLibrary }) {
  const secret = useRoomSecret()
  const [user, rename] = useUser()
  const session = useSession(secret, user, library)
  const meta = useDocMeta(session)
  const people = usePeople(session)
  const colorScheme = useColorScheme()
  const [lineWrapping, setLineWrapping] = useLocalPreference('meshpad/v1/lineWrapping', true)
  const [showDocuments, setShowDocuments] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  usePersistAfterFirstEdit(session)

  useEffect(() => {
    document.title = `${meta.title.trim() || 'Untitled'} · Meshpad`
  }, [meta.title])

  // Another tab deletes this browser's copy of the open document: leave it before it goes.
  useEffect(() => {
    if (session === null) return
    return library.onChange((change) => {
      if (change.kind !== 'removing' || change.topic !== session.topic) return
      replaceWithNewDocument()
      setNotice('The document you had open was deleted from this browser in another tab.')
    })
  }, [library, session])

  const onTitle = useCallback((title: string) => session && setDocTitle(session.doc, title), [session])
  const onLanguage = useCallback((language: string) => session && setDocLanguage(session.doc, language), [session])
  // NOTE: a new history entry, so Back returns to the previous document.
  const onNewDocument = useCallback(() => {
    window.location.hash = createRoomSecret()
  }, [])
  const onOpenDocument = useCallback((next: string) => {
    setShowDocuments(false)
    window.location.hash = next
  }, [])
  const onDeleteDocument = useCallback(
    async (topic: string) => {
      if (session?.topic === topic) replaceWithNewDocument()
      await whenRoomClosed(topic)
      await library.remove(topic)
    },
    [library, session],
  )
  const onShowDocuments = useCallback(() => setShowDocuments(true), [])
  const onCloseDocuments = useCallback(() => setShowDocuments(false), [])

  return (
    <div className="app">
      <UpdateBanner session={session} />
      {notice && (
        <div className="notice" role="status">
          <span>{notice}</span>
          <button type="button" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      <TopBar
        title={meta.title}
        language={meta.language}
        lineWrapping={lineWrapping}
        disabled={session === null}
        onTitle={onTitle}
        onLanguage={onLanguage}
        onLineWrapping={setLineWrapping}
        onNewDocument={onNewDocument}
        onShowDocuments={onShowDocuments}
      />
      <main className="workspace">
        {session && (
          <EditorPane session={session} language={meta.language} lineWrapping={lineWrapping} colorScheme={colorScheme} />
        )}
        <PeopleList people={people} selfName={user.name} onRename={rename} />
      </main>
      <StatusBar session={session} />
      <DocumentsDialog
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
