import type { PureEd25519 } from './pureEd25519'
import { encodeSignedSync, signedBytes, signUpdate, verifyUpdate } from './signedSyncMessage'

/** Loads the pure-JS signer (a dynamic import: it is not part of the first page load). */
export type PureEd25519Loader = () => Promise<PureEd25519>

const loadPureEd25519: PureEd25519Loader = async () => (await import('./pureEd25519')).pureEd25519

/** An empty Yjs update: what the probe signature covers (it is never sent). */
const EMPTY_UPDATE = Uint8Array.of(0, 0)

export interface UpdateSignerOptions {
  readonly topic: string
  /** The room's private key in WebCrypto: signs until the pure-JS signer is there. */
  readonly privateKey: Promise<CryptoKey>
  /** The 32-byte seed `privateKey` was imported from; null: WebCrypto only. */
  readonly seed: Uint8Array | null
  /** The room's verify key: a probe the pure-JS signer signs must pass it before it is used. */
  readonly verifyKey: Promise<CryptoKey>
  readonly load?: PureEd25519Loader
  readonly warn?: (message: string) => void
}

/**
 * Signs this writer's `update` messages in a v2 room. It is responsible for signing synchronously
 * once the pure-JS signer is loaded, so an own edit leaves in the task that made it (a WebCrypto
 * signature resolves in a later task, after the page has rendered the keystroke), and through
 * WebCrypto until then; for loading that signer once, on the first `prepare()` (the first own
 * edit), never with the page; and for switching to it only after a probe it signed verified with
 * the room's WebCrypto key (on any mismatch or load failure it keeps WebCrypto). Both sign the
 * same bytes: Ed25519 signatures are deterministic.
 */
export class UpdateSigner {
  private pure: PureEd25519 | null = null
  private prepared: Promise<void> | null = null

  constructor(private readonly options: UpdateSignerOptions) {}

  /** Whether signatures are synchronous now. */
  get synchronous(): boolean {
    return this.pure !== null
  }

  /** Starts loading the pure-JS signer; idempotent. Resolves once it is used or refused. */
  prepare(): Promise<void> {
    this.prepared ??= this.load()
    return this.prepared
  }

  private async load(): Promise<void> {
    const { seed, topic, warn } = this.options
    if (seed === null) return
    return (this.options.load ?? loadPureEd25519)()
      .then(async (pure) => {
        const signature = pure.sign(signedBytes(topic, EMPTY_UPDATE), seed)
        const ok = await verifyUpdate(await this.options.verifyKey, topic, { signature, update: EMPTY_UPDATE })
        if (ok) this.pure = pure
        else warn?.('[meshpad] the pure-JS signer disagrees with WebCrypto; signing with WebCrypto')
      })
      .catch((error: unknown) => warn?.(`[meshpad] could not load the pure-JS signer: ${String(error)}`))
  }

  /** The signed `update` message for `update` now, or null while only WebCrypto can sign. */
  signNow(update: Uint8Array): Uint8Array | null {
    const { pure } = this
    if (pure === null || this.options.seed === null) return null
    const signature = pure.sign(signedBytes(this.options.topic, update), this.options.seed)
    return encodeSignedSync({ kind: 'update', signature, update })
  }

  /** The signed `update` message for `update`: synchronous if it can be, else WebCrypto's. */
  async sign(update: Uint8Array): Promise<Uint8Array> {
    return this.signNow(update) ?? signUpdate(await this.options.privateKey, this.options.topic, update)
  }
}
