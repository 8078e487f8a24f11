import { useEffect, useState, type FormEvent } from 'react'
import type { RosterPerson } from '../../removal/DeviceRoster'
import type { SessionRemoval } from '../../removal/sessionRemoval'
import { useModal } from '../app/useModal'
import { relativeTime } from '../documents/relativeTime'
import './removal.css'

const LINK_NAMES: Record<RosterPerson['role'], string> = { edit: 'edit link', comment: 'comment link', read: 'read-only link' }

function usePeople(removal: SessionRemoval): RosterPerson[] {
  const [people, setPeople] = useState(() => removal.people())
  useEffect(() => removal.onChange(() => setPeople(removal.people())), [removal])
  return people
}

/**
 * "Remove someone…": everyone seen in this document, each a checkbox checked for kept. "Remove"
 * moves the document to a new link without the unchecked people (see `SessionRemoval.remove`);
 * the kept ones follow on their own.
 */
export default function RemoveDialog({ removal, onClose }: { readonly removal: SessionRemoval; readonly onClose: () => void }) {
  const ref = useModal(true, onClose)
  const people = usePeople(removal).filter((person) => !person.self)
  const [removed, setRemoved] = useState<ReadonlySet<string>>(new Set())
  const [state, setState] = useState<{ readonly kind: 'choosing' } | { readonly kind: 'removing' } | { readonly kind: 'failed'; readonly message: string }>({ kind: 'choosing' })
  const [now] = useState(() => Date.now())

  const toggle = (sign: string, kept: boolean): void => {
    const next = new Set(removed)
    if (kept) next.delete(sign)
    else next.add(sign)
    setRemoved(next)
  }

  const submit = (event: FormEvent): void => {
    event.preventDefault()
    if (removed.size === 0 || state.kind === 'removing') return
    setState({ kind: 'removing' })
    const keep = people.filter((person) => !removed.has(person.sign)).map((person) => person.sign)
    removal.remove(keep).then(
      () => ref.current?.close(),
      (error: unknown) => setState({ kind: 'failed', message: error instanceof Error ? error.message : 'The removal failed.' }),
    )
  }

  return (
    <dialog ref={ref} className="removal" aria-labelledby="removal-title">
      <form onSubmit={submit}>
        <header>
          <h2 id="removal-title">Remove someone</h2>
          <button type="button" className="close" aria-label="Close" onClick={() => ref.current?.close()}>
            ×
          </button>
        </header>
        <p>
          The document moves to a new link. Everyone checked moves with it on their own, now or the next time they open it. Whoever you
          uncheck keeps what they already have and gets nothing new.
        </p>
        {people.length === 0 ? (
          <p className="muted">No one else has opened this document yet.</p>
        ) : (
          <ul className="removal-people">
            {people.map((person) => (
              <li key={person.sign}>
                <label>
                  <input type="checkbox" checked={!removed.has(person.sign)} onChange={(event) => toggle(person.sign, event.target.checked)} />
                  {person.name}
                </label>
                <span className="muted">
                  {person.alwaysOn ? 'always-on peer · ' : ''}
                  {LINK_NAMES[person.role]} · {person.online ? 'here now' : `last seen ${relativeTime(person.seen, now)}`}
                </span>
              </li>
            ))}
          </ul>
        )}
        <p className="muted">
          People who have the link but have never opened this document are not listed: they will need the new link from you.
        </p>
        {state.kind === 'failed' && <p role="alert">{state.message}</p>}
        <div className="buttons">
          <button type="submit" disabled={removed.size === 0 || state.kind === 'removing'}>
            {state.kind === 'removing' ? 'Removing…' : 'Remove'}
          </button>
          <button type="button" onClick={() => ref.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  )
}
