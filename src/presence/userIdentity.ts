/** How a person appears to others: the `user` field of awareness, as y-codemirror.next expects. */
export interface UserIdentity {
  readonly name: string
  /** `#rrggbb` */
  readonly color: string
  /** `color` + `33`: the same hue, translucent, for selections. */
  readonly colorLight: string
}

export const USER_STORAGE_KEY = 'meshpad/v1/user'
export const MAX_NAME_LENGTH = 40

/** Colors legible on light and dark backgrounds alike. */
export const USER_COLORS = [
  '#e5484d', '#f76b15', '#d6a400', '#30a46c', '#12a594', '#0090ff',
  '#3e63dd', '#8e4ec6', '#d6409f', '#a18072',
] as const

const ADJECTIVES = [
  'Brave', 'Calm', 'Clever', 'Curious', 'Eager', 'Gentle', 'Happy', 'Jolly', 'Kind', 'Lively',
  'Lucky', 'Merry', 'Nimble', 'Polite', 'Quick', 'Quiet', 'Sunny', 'Swift', 'Witty', 'Zesty',
]
const ANIMALS = [
  'Badger', 'Beaver', 'Crane', 'Dolphin', 'Falcon', 'Ferret', 'Fox', 'Gecko', 'Heron', 'Koala',
  'Lynx', 'Marten', 'Otter', 'Owl', 'Panda', 'Puffin', 'Raven', 'Seal', 'Tapir', 'Wombat',
]

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T
}

export function userWithColor(name: string, color: string): UserIdentity {
  return { name, color, colorLight: `${color}33` }
}

/** A friendly default: "Curious Otter" in one of {@link USER_COLORS}. */
export function randomUser(random: () => number = Math.random): UserIdentity {
  return userWithColor(`${pick(ADJECTIVES, random)} ${pick(ANIMALS, random)}`, pick(USER_COLORS, random))
}

/** A name as a person typed it, made fit to show: trimmed, bounded, never empty. */
export function cleanName(name: string, fallback: string): string {
  const clean = name.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME_LENGTH)
  return clean === '' ? fallback : clean
}

/**
 * The identity remembered in this browser, or a new random one (then remembered). Storage that
 * is unavailable or holds garbage gives a fresh identity rather than an error.
 */
export function loadUser(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined): UserIdentity {
  try {
    const raw = storage?.getItem(USER_STORAGE_KEY)
    if (raw) {
      const parsed: unknown = JSON.parse(raw)
      if (isStoredUser(parsed)) return userWithColor(cleanName(parsed.name, 'Anonymous'), parsed.color)
    }
  } catch {
    // Corrupt or blocked storage: fall through to a fresh identity.
  }
  const user = randomUser()
  saveUser(storage, user)
  return user
}

export function saveUser(storage: Pick<Storage, 'setItem'> | undefined, user: UserIdentity): void {
  try {
    storage?.setItem(USER_STORAGE_KEY, JSON.stringify({ name: user.name, color: user.color }))
  } catch {
    // Private mode or a full quota: the identity still works for this page.
  }
}

function isStoredUser(value: unknown): value is { name: string; color: string } {
  if (typeof value !== 'object' || value === null) return false
  const { name, color } = value as Record<string, unknown>
  return typeof name === 'string' && typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color)
}
