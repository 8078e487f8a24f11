import { COMMENT_FRAGMENT_PREFIX, EDIT_FRAGMENT_PREFIX, READ_FRAGMENT_PREFIX, isDamagedV2Link } from './roomAccess'

/** Why a link fragment opens no room, in words for the person, with what would help. */
export interface RoomLinkProblem {
  readonly title: string
  readonly explanation: string
  /** Steps that would help, each one line. */
  readonly remedies: readonly string[]
}

const KEY = /^[A-Za-z0-9_-]{43}$/

const REMEDIES = [
  'Copy the whole link again from where it was shared: a link cut short or changed in a chat or an email is the usual cause.',
  'Ask the person who shared it to use “Copy link” (to edit), “Copy comment link” (to comment) or “Copy read-only link” (to read) and send it again.',
]

/** What is wrong with one key of a v2 link: its length or its characters. */
function keyFault(name: string, text: string | undefined): string | null {
  if (text === undefined || text === '') return `the ${name} is missing`
  if (text.length !== 43) return `the ${name} has ${text.length} characters instead of 43`
  if (!KEY.test(text)) return `the ${name} holds characters other than letters, digits, “-” and “_”`
  return null
}

/**
 * Null when `fragment` (a link's `#…` without `#`) names a room; otherwise what is wrong. A
 * fragment starting with `e1.`, `c1.` or `r1.` is a v2 edit, comment or read-only link and must be exact: were
 * it taken as an old-style secret, it would silently open another, empty room. Any other
 * non-empty fragment is an old-style (v1) secret, as before. Pages import this module only
 * once a link is found damaged (`isDamagedV2Link`): its words are not part of the first load.
 */
export function roomLinkProblem(fragment: string): RoomLinkProblem | null {
  if (!isDamagedV2Link(fragment)) return null
  const edit = fragment.startsWith(EDIT_FRAGMENT_PREFIX)
  const comment = fragment.startsWith(COMMENT_FRAGMENT_PREFIX)
  const parts = fragment.slice(3).split('.')
  const keys = comment ? 3 : 2
  const faults = edit
    ? [parts.length > 1 ? 'it has a “.” after the key' : keyFault('key', parts[0])]
    : parts.length > keys
      ? [`it has more than ${comment ? 'three' : 'two'} keys`]
      : [keyFault('room key', parts[0]), keyFault('public key', parts[1]), ...(comment ? [keyFault('comment key', parts[2])] : [])]
  const found = faults.filter((fault): fault is string => fault !== null)
  const kind = edit ? 'edit link' : comment ? 'comment link' : 'read-only link'
  const prefix = edit ? EDIT_FRAGMENT_PREFIX : comment ? COMMENT_FRAGMENT_PREFIX : READ_FRAGMENT_PREFIX
  return {
    title: `This ${kind} is damaged`,
    explanation:
      `The part after “#${prefix}” is not a valid ${kind}: ` +
      `${found.length > 0 ? found.join(', and ') : 'a key does not decode to 32 bytes'}. ` +
      'Nothing was opened or saved.',
    remedies: REMEDIES,
  }
}
