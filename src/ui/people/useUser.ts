import { useCallback, useState } from 'react'
import { cleanName, loadUser, saveUser, userWithColor, type UserIdentity } from '../../presence/userIdentity'

function storage(): Storage | undefined {
  try {
    return window.localStorage
  } catch {
    return undefined
  }
}

/** Your name and color, remembered in this browser. */
export function useUser(): [UserIdentity, (name: string) => void] {
  const [user, setUser] = useState(() => loadUser(storage()))
  const rename = useCallback((name: string) => {
    setUser((prev) => {
      const next = userWithColor(cleanName(name, prev.name), prev.color)
      if (next.name === prev.name) return prev
      saveUser(storage(), next)
      return next
    })
  }, [])
  return [user, rename]
}
