import { useEffect, useState } from 'react'
import { parseRoomAccess } from '../../room/roomAccess'
import { roomSigning } from '../../room/roomSigning'
import type { Session } from '../../session/openSession'
import { copyText } from '../app/CopyLinkButton'
import './share.css'

/** How long the confirmation stays. */
const CONFIRM_MS = 2500

interface Props {
  readonly session: Session
  /**
   * Moves the document to a new v2 room (a copy with its history) and opens it; resolves with the
   * new edit link's fragment.
   */
  readonly onMoveToNewLink: () => Promise<string>
}

type Result = 'copied' | 'failed' | 'moving' | 'move-failed' | null

/** This page's address with another fragment. */
export function linkWith(fragment: string): string {
  const url = new URL(window.location.href)
  url.hash = fragment
  return url.href
}

async function readLinkOf(editFragment: string): Promise<string> {
  const signing = roomSigning(parseRoomAccess(editFragment))
  if (signing === null) throw new Error('not a v2 link')
  return linkWith(await signing.readFragment)
}

/**
 * "Copy read-only link": copies the room's read-only link. A room opened from a plain `#SECRET`
 * link (v1) has none: the button first explains, and on confirmation moves the document to a new
 * link (see `onMoveToNewLink`) and copies that room's read-only link.
 */
export function ReadOnlyLinkButton({ session, onMoveToNewLink }: Props) {
  const [result, setResult] = useState<Result>(null)
  const [confirming, setConfirming] = useState(false)

  useEffect(() => {
    if (result === null || result === 'moving') return
    const timer = setTimeout(() => setResult(null), CONFIRM_MS)
    return () => clearTimeout(timer)
  }, [result])

  const copy = (): void => {
    const fragment = session.access.readFragment
    if (fragment === null) {
      setConfirming(true)
      return
    }
    fragment.then((value) => copyText(linkWith(value))).then(
      () => setResult('copied'),
      () => setResult('failed'),
    )
  }

  const move = (): void => {
    setConfirming(false)
    setResult('moving')
    onMoveToNewLink()
      .then(readLinkOf)
      .then(copyText)
      .then(
        () => setResult('copied'),
        () => setResult('move-failed'),
      )
  }

  const words = {
    copied: 'Read-only link copied',
    failed: 'Copy failed',
    moving: 'Moving to a new link…',
    'move-failed': 'Could not move the document; nothing changed',
  }

  return (
    <span className="copy-link">
      <button type="button" onClick={copy} title="People with this link can read and follow along, not edit">
        Copy read-only link
      </button>
      <span className="copy-result" role="status" aria-live="polite">
        {result === null ? '' : words[result]}
      </span>
      {confirming && (
        <div className="move-confirm" role="dialog" aria-label="Move to a new link for read-only sharing">
          <p>
            This document&apos;s link is from before read-only links existed. To share it read-only, Meshpad moves it to a
            new link: a copy with its whole history, title and language. The old link keeps working for whoever has it,
            but edits made there no longer reach the new one.
          </p>
          <button type="button" className="primary" onClick={move}>
            Move to a new link
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      )}
    </span>
  )
}
