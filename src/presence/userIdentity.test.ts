import { describe, expect, it } from 'vitest'
import { cleanName, loadUser, randomUser, saveUser, USER_COLORS, USER_STORAGE_KEY, userWithColor } from './userIdentity'

function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial))
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items }
}

describe('user identity', () => {
  it('has the shape y-codemirror.next expects', () => {
    const user = randomUser(() => 0.5)
    expect(user.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/)
    expect(USER_COLORS).toContain(user.color)
    expect(user.colorLight).toBe(`${user.color}33`)
  })

  it('is remembered across loads', () => {
    const storage = memoryStorage()
    const first = loadUser(storage)
    expect(loadUser(storage)).toEqual(first)
    saveUser(storage, userWithColor('Ada', '#123abc'))
    expect(loadUser(storage)).toEqual({ name: 'Ada', color: '#123abc', colorLight: '#123abc33' })
  })

  it('replaces garbage in storage with a fresh identity', () => {
    for (const raw of ['{', 'null', '{"name":5,"color":"#000000"}', '{"name":"x","color":"red"}']) {
      const storage = memoryStorage({ [USER_STORAGE_KEY]: raw })
      const user = loadUser(storage)
      expect(USER_COLORS).toContain(user.color)
      expect(JSON.parse(storage.items.get(USER_STORAGE_KEY) as string)).toEqual({ name: user.name, color: user.color })
    }
  })

  it('works without storage', () => {
    expect(loadUser(undefined).name.length).toBeGreaterThan(0)
  })

  it('cleans names: trims, collapses spaces, bounds length, never empty', () => {
    expect(cleanName('  Ada   Lovelace ', 'x')).toBe('Ada Lovelace')
    expect(cleanName('   ', 'Fallback')).toBe('Fallback')
    expect(cleanName('x'.repeat(100), 'f')).toHaveLength(40)
  })
})
