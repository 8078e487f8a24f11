import { useState } from 'react'
import type { Person } from './usePeople'
import { PATH_WORDS } from '../status/pathText'
import { MAX_NAME_LENGTH } from '../../presence/userIdentity'

interface Props {
  readonly people: readonly Person[]
  readonly selfName: string
  readonly onRename: (name: string) => void
}

function NameField({ name, onRename }: { name: string; onRename: (name: string) => void }) {
  const [draft, setDraft] = useState(name)
  return (
    <input
      className="name-field"
      aria-label="Your name"
      value={draft}
      maxLength={MAX_NAME_LENGTH}
      onChange={(event) => setDraft(event.target.value)}
      onBlur={() => {
        onRename(draft)
        setDraft(name)
      }}
      onKeyDown={(event) => {
        if (event.key === 'Enter') event.currentTarget.blur()
        if (event.key === 'Escape') {
          setDraft(name)
          event.currentTarget.blur()
        }
      }}
    />
  )
}

/** The people in the room with their colors; your own entry is marked and editable. */
export function PeopleList({ people, selfName, onRename }: Props) {
  return (
    <aside className="people" aria-label="People in this document">
      <h2>
        People <span className="count">{people.length}</span>
      </h2>
      <ul>
        {people.map((person) => (
          <li key={person.clientId} className={person.isSelf ? 'self' : undefined} data-testid="person">
            <span className="swatch" style={{ backgroundColor: person.color }} aria-hidden="true" />
            {person.isSelf ? (
              <>
                {/* Keyed by the saved name, so the draft starts afresh whenever it changes. */}
                <NameField key={selfName} name={selfName} onRename={onRename} />
                <span className="you">(you)</span>
              </>
            ) : (
              <span className="name">{person.name}</span>
            )}
            {person.alwaysOn && (
              <span className="always-on" data-testid="always-on" title="Keeps this document while nobody else is online">
                always on
              </span>
            )}
            {/* How this page reaches them. */}
            {person.path !== undefined && (
              <span className={`path ${person.path}`} data-testid="person-path" data-path={person.path}>
                {PATH_WORDS[person.path]}
              </span>
            )}
          </li>
        ))}
      </ul>
    </aside>
  )
}
