import type * as Y from 'yjs'
import type { SignedLogStore } from '../../storage/localCopy'
import type { PureSignerLoader } from './UpdateSigner'

/** What a `SignedDocSync` syncs, with which keys, and whom it tells. */
export interface SignedDocSyncOptions {
  /** The document that verified updates go into (for a reader: the copy nobody else writes). */
  readonly doc: Y.Doc
  readonly topic: string
  /** Checks every update a peer sends. */
  readonly verifyKey: Promise<CryptoKey>
  /** Signs this peer's own updates; null for a reader, which sends none of its own. */
  readonly signingKey: Promise<CryptoKey> | null
  /** Where a reader keeps its signed log across reloads (see `SignedLog`); none: memory only. */
  readonly logStore?: SignedLogStore
  /** The seed `signingKey` comes from: with it, own updates are signed synchronously (`UpdateSigner`). */
  readonly signingSeed?: Uint8Array | null
  readonly loadSigner?: PureSignerLoader
  /** Signs this peer's own comments when it holds the comment key but not the edit key (a comment link). */
  readonly commentSigningKey?: Promise<CryptoKey> | null
  /** The key that checks comment-link holders' updates, as known now; null while unknown (none published yet). */
  readonly commentVerifyKey?: () => Promise<CryptoKey | null>
  /** For `update` received on link `from`: whether it goes on to link `to` (see `RoomGossip`); asked once per update. */
  readonly relayFrom: (from: string, update: Uint8Array) => (to: string) => boolean
  /** The ignored count or a link's sync state changed. */
  readonly onChange: () => void
  /** This peer's own updates queued so far are sent (or failed to sign): see `signingOwn`. */
  readonly onOwnSent?: () => void
  readonly warn?: (message: string) => void
}
