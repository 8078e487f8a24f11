import { fromBase64Url, toBase64Url } from '../room/base64Url'
import { accessTopic, createEditFragment, parseRoomAccess } from '../room/roomAccess'
import { roomSigning } from '../room/roomSigning'
import { sealTo } from '../presence/sealingKey'
import type { VerifiedDevice } from './devicePresence'
import { roomCommitment, sealContext, signMoveRecord, type MovePerson, type MoveRecord, type SealedLink } from './moveRecord'

export interface MovePlan {
  /** The old room's topic and edit key. */
  readonly from: string
  readonly signingKey: CryptoKey
  /** Who removes: this device, and the name it shows. */
  readonly by: MovePerson
  /** The devices that move, this one among them; each gets the link its role allows. */
  readonly keep: readonly (VerifiedDevice & { readonly name: string })[]
  readonly removed: readonly MovePerson[]
  readonly now?: number
}

/**
 * A new room (new root secret, so new edit, comment and read links) and the record that moves the
 * kept devices into it: a writer is sealed the edit link, a comment-link holder the comment link,
 * a reader the read link. The record is signed with the old room's edit key.
 */
export async function buildMoveRecord(plan: MovePlan): Promise<{ record: MoveRecord; editLink: string }> {
  const editLink = createEditFragment()
  const access = parseRoomAccess(editLink)
  const signing = roomSigning(access)
  if (access.version !== 2 || signing === null || signing.commentFragment === null) throw new Error('a new room is always a v2 room')
  const to = roomCommitment(accessTopic(access))
  const links = { edit: editLink, comment: await signing.commentFragment, read: await signing.readFragment }
  const sealed: SealedLink[] = []
  for (const device of plan.keep) {
    const seal = fromBase64Url(device.seal)
    if (seal === null) continue
    const plaintext = new TextEncoder().encode(JSON.stringify({ link: links[device.role] }))
    const box = await sealTo(seal, plaintext, sealContext(plan.from, to, device.sign))
    sealed.push({ device: device.sign, box: toBase64Url(box) })
  }
  const record = await signMoveRecord(plan.signingKey, { v: 1, from: plan.from, to, at: plan.now ?? Date.now(), by: plan.by, removed: [...plan.removed], sealed })
  return { record, editLink }
}
