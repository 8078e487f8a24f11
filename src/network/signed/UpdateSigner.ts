import type { pureSigner } from './pureSigner'
import { signUpdate } from './signedSyncMessage'

/** Loads the pure-JS signer (a dynamic import: it is not part of the first page load). */
export type PureSignerLoader = () => Promise<typeof pureSigner>

const loadPureSigner: PureSignerLoader = async () => (await import('./pureSigner')).pureSigner

export interface UpdateSignerOptions {
  readonly topic: string
  /** The room's private key in WebCrypto: signs until the pure-JS signer is there. */
  readonly privateKey: Promise<CryptoKey>
  /** The 32-byte seed `privateKey` was imported from; null: WebCrypto only. */
  readonly seed: Uint8Array | null
  /** The room's verify key: the pure-JS signer must pass it before it is used. */
  readonly verifyKey: Promise<CryptoKey>
  readonly load?: PureSignerLoader
  readonly warn?: (message: string) => void
}

/**
 * Signs this writer's `update` messages in a v2 room. It is responsible for signing synchronously
 * once the pure-JS signer is loaded, so an own edit leaves in the task that made it (a WebCrypto
 * signature resolves in a later task, after the page has rendered the keystroke), and through
 * WebCrypto until then or if that signer fails to load or to match the room key; and for loading
 * it once, on the first `prepare()` (a writer's first own edit), never with the page.
 */
export class UpdateSigner {
  private pure: ((update: Uint8Array) => Uint8Array) | null = null
  private prepared: Promise<void> | null = null

  constructor(private readonly options: UpdateSignerOptions) {}

  /** Whether signatures are synchronous now. */
  get synchronous(): boolean {
    return this.pure !== null
  }

  /** Starts loading the pure-JS signer; idempotent. Resolves once it is used or refused. */
  prepare(): Promise<void> {
    const { seed, topic, verifyKey, load = loadPureSigner } = this.options
    if (seed === null) return Promise.resolve()
    this.prepared ??= load()
      .then((create) => create(seed, topic, verifyKey))
      .then(
        (sign) => void (this.pure = sign),
        (error: unknown) => this.options.warn?.(`[meshpad] signing with WebCrypto: ${String(error)}`),
      )
    return this.prepared
  }

  /** The signed `update` message for `update` now, or null while only WebCrypto can sign. */
  signNow(update: Uint8Array): Uint8Array | null {
    return this.pure?.(update) ?? null
  }

  /** The signed `update` message for `update`: synchronous if it can be, else WebCrypto's. */
  async sign(update: Uint8Array): Promise<Uint8Array> {
    return this.signNow(update) ?? signUpdate(await this.options.privateKey, this.options.topic, update)
  }
}
