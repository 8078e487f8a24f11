import * as prng from 'lib0/prng'
import * as Y from 'yjs'

const REMOTE = Symbol('shuffled mesh')

/**
 * Peers with a Y.Doc each in a full mesh that delivers every update in a random (seeded) order,
 * across and within links, as Yjs's own tests do; a peer offline neither sends nor receives until
 * `reconnect` exchanges what each side misses. For unit tests only.
 */
export class ShuffledMesh {
  readonly docs: Y.Doc[] = []
  private readonly queue: { to: number; update: Uint8Array }[] = []
  private readonly offline = new Set<number>()

  constructor(
    readonly rng: prng.PRNG,
    gcs: readonly boolean[],
  ) {
    gcs.forEach((gc, index) => {
      const doc = new Y.Doc({ gc })
      doc.clientID = index + 1
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === REMOTE || this.offline.has(index)) return
        this.docs.forEach((_, to) => to !== index && !this.offline.has(to) && this.queue.push({ to, update }))
      })
      this.docs.push(doc)
    })
  }

  /** Messages not yet delivered. */
  get pending(): number {
    return this.queue.length
  }

  /** Delivers up to `count` queued updates, picked at random. */
  deliver(count = 1): void {
    for (let i = 0; i < count && this.queue.length > 0; i++) {
      const [message] = this.queue.splice(prng.int32(this.rng, 0, this.queue.length - 1), 1)
      if (message) Y.applyUpdate(this.docs[message.to] as Y.Doc, message.update, REMOTE)
    }
  }

  /** Delivers everything queued. */
  flush(): void {
    this.deliver(Number.POSITIVE_INFINITY)
  }

  disconnect(index: number): void {
    this.offline.add(index)
  }

  /** Back online: it and every online peer exchange what the other misses. */
  reconnect(index: number): void {
    this.offline.delete(index)
    const doc = this.docs[index] as Y.Doc
    this.docs.forEach((other, at) => {
      if (at === index || this.offline.has(at)) return
      Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)), REMOTE)
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(other, Y.encodeStateVector(doc)), REMOTE)
    })
  }

  /** Types a random word at a random place, or deletes a few characters, in peer `index`'s text. */
  edit(index: number, alphabet = 'abcdefghij'): void {
    const text = (this.docs[index] as Y.Doc).getText('content')
    if (text.length > 0 && prng.bool(this.rng) && prng.int32(this.rng, 0, 2) === 0) {
      const at = prng.int32(this.rng, 0, text.length - 1)
      text.delete(at, Math.min(prng.int32(this.rng, 1, 4), text.length - at))
      return
    }
    let word = ''
    for (let n = prng.int32(this.rng, 1, 5); n > 0; n--) word += alphabet[prng.int32(this.rng, 0, alphabet.length - 1)]
    text.insert(prng.int32(this.rng, 0, text.length), word)
  }

  /** Inserts a random string from `alphabet` only (no deletions). */
  insert(index: number, alphabet: string): void {
    const text = (this.docs[index] as Y.Doc).getText('content')
    text.insert(prng.int32(this.rng, 0, text.length), alphabet[prng.int32(this.rng, 0, alphabet.length - 1)] as string)
  }

  destroy(): void {
    for (const doc of this.docs) doc.destroy()
  }
}
