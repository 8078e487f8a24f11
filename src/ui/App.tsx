import { useCallback, useEffect } from 'react'
import { createRoomSecret } from '../collab/roomLink'
import { setDocLanguage, setDocTitle } from '../collab/docMeta'
import { EditorPane } from './EditorPane'
import { PeopleList } from './PeopleList'
import { StatusBar } from './StatusBar'
import { TopBar } from './TopBar'
import { useColorScheme } from './hooks/useColorScheme'
import { useDocMeta } from './hooks/useDocMeta'
import { useLocalPreference } from './hooks/useLocalPreference'
import { usePeople } from './hooks/usePeople'
import { useRoomSecret } from './hooks/useRoomSecret'
import { useSession } from './hooks/useSession'
import { useSessionStatus } from './hooks/useSessionStatus'
import { useUser } from './hooks/useUser'

/** The whole page: one room, the one in the URL. */
export function App() {
  const secret = useRoomSecret()
  const [user, rename] = useUser()
  const session = useSession(secret, user)
  const status = useSessionStatus(session)
  const meta = useDocMeta(session)
  const people = usePeople(session)
  const colorScheme = useColorScheme()
  const [lineWrapping, setLineWrapping] = useLocalPreference('meshpad/v1/lineWrapping', true)

  useEffect(() => {
    document.title = `${meta.title.trim() || 'Untitled'} · Meshpad`
  }, [meta.title])

  const onTitle = useCallback((title: string) => session && setDocTitle(session.doc, title), [session])
  const onLanguage = useCallback((language: string) => session && setDocLanguage(session.doc, language), [session])
  // NOTE: a new history entry, so Back returns to the previous document.
  const onNewDocument = useCallback(() => {
    window.location.hash = createRoomSecret()
  }, [])

  return (
    <div className="app">
      <TopBar
        title={meta.title}
        language={meta.language}
        lineWrapping={lineWrapping}
        disabled={session === null}
        onTitle={onTitle}
        onLanguage={onLanguage}
        onLineWrapping={setLineWrapping}
        onNewDocument={onNewDocument}
      />
      <main className="workspace">
        {session && (
          <EditorPane session={session} language={meta.language} lineWrapping={lineWrapping} colorScheme={colorScheme} />
        )}
        <PeopleList people={people} selfName={user.name} onRename={rename} />
      </main>
      <StatusBar status={status} />
    </div>
  )
}
