import { TokenBucket } from '../hub/tokenBucket.js'

/** What one client address (an IPv4 address, an IPv6 /64) may hold at once on one instance. */
export interface AddressBudget {
  /** Open connections; one more is refused at the door (429). */
  readonly maxConnections: number
  /** (connection, topic) pairs over all its connections; subscriptions past it are ignored. */
  readonly maxSubscriptions: number
  /** Frames over all its connections: `burst` at once, refilled at `perSecond`; more are dropped. */
  readonly rate: { readonly perSecond: number; readonly burst: number } | false
}

/**
 * One address's share of the instance, shared by all its connections. An exempt account (an
 * address the operator allows, e.g. the host of the always-on peer) is counted but never refused.
 */
export class AddressAccount {
  connections = 0
  subscriptions = 0
  /** Whether a dropped frame of this address was logged since it last had a frame through. */
  private dropLogged = false
  private readonly bucket: TokenBucket | undefined

  constructor(
    readonly key: string,
    readonly exempt: boolean,
    private readonly budget: AddressBudget,
    private readonly onJoined: (key: string) => void,
  ) {
    this.bucket = exempt || budget.rate === false ? undefined : new TokenBucket(budget.rate.perSecond, budget.rate.burst)
  }

  /** Whether one more connection fits. */
  mayConnect(): boolean {
    return this.exempt || this.connections < this.budget.maxConnections
  }

  /** Whether one more subscription fits. */
  maySubscribe(): boolean {
    return this.exempt || this.subscriptions < this.budget.maxSubscriptions
  }

  /** Adds `delta` (negative: left) subscriptions. */
  subscribed(delta: number): void {
    const before = this.subscriptions
    this.subscriptions += delta
    if (before === 0 && this.subscriptions > 0) this.onJoined(this.key)
  }

  /**
   * Takes one frame from the address's rate. Not `ok`: drop it; `first_dropped` the first drop
   * since a frame last went through, so a flood is logged once, not once per frame.
   * Over the address's rate a frame is dropped, its connection kept: closing it would make
   * every client behind that address reconnect at once (see closeReasons.ts).
   */
  takeFrame(): 'ok' | 'dropped' | 'first_dropped' {
    if (this.bucket === undefined || this.bucket.take()) {
      this.dropLogged = false
      return 'ok'
    }
    if (this.dropLogged) return 'dropped'
    this.dropLogged = true
    return 'first_dropped'
  }
}

/**
 * Every address with an open connection on this instance, and its {@link AddressAccount}.
 * It is responsible for the per-address budgets and for telling who is in a room: an address with
 * at least one subscription (what `/ice-servers` waits for before it hands out TURN credentials).
 *
 * An account lives while its address has a connection, so the memory held is bounded by the
 * open connections; a returning address starts with a full rate bucket, which is no gain for a
 * stranger: its connections are bounded by `maxConnections` and each has its own rate limit.
 */
export class AddressLedger {
  private readonly accounts = new Map<string, AddressAccount>()
  private readonly waiters = new Map<string, Set<() => void>>()

  constructor(
    private readonly budget: AddressBudget,
    private readonly isExempt: (address: string) => boolean,
  ) {}

  /** The account of `key` (the address's budget key), created for a connection about to open. */
  account(key: string, address: string): AddressAccount {
    let account = this.accounts.get(key)
    if (account === undefined) {
      account = new AddressAccount(key, this.isExempt(address), this.budget, this.joined)
      this.accounts.set(key, account)
    }
    return account
  }

  /** Counts a connection opened on `account`. */
  opened(account: AddressAccount): void {
    account.connections++
  }

  /** Counts a connection of `account` closed (its subscriptions already taken back). */
  closed(account: AddressAccount): void {
    account.connections--
    this.forget(account)
  }

  /** Drops `account` if it has no connection (e.g. made for a handshake that was refused). */
  forget(account: AddressAccount): void {
    if (account.connections <= 0 && this.accounts.get(account.key) === account) this.accounts.delete(account.key)
  }

  /** Whether `key` has a connection subscribed to at least one topic. */
  inRoom(key: string): boolean {
    return (this.accounts.get(key)?.subscriptions ?? 0) > 0
  }

  /** Resolves true as soon as `key` is {@link inRoom}, false after `timeoutMs` without. */
  whenInRoom(key: string, timeoutMs: number): Promise<boolean> {
    if (this.inRoom(key)) return Promise.resolve(true)
    return new Promise((resolve) => {
      let set = this.waiters.get(key)
      if (set === undefined) this.waiters.set(key, (set = new Set()))
      const done = (inRoom: boolean): void => {
        clearTimeout(timer)
        set.delete(wake)
        if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key)
        resolve(inRoom)
      }
      const wake = (): void => done(true)
      const timer = setTimeout(() => done(false), timeoutMs)
      set.add(wake)
    })
  }

  private readonly joined = (key: string): void => {
    for (const wake of [...(this.waiters.get(key) ?? [])]) wake()
  }
}
