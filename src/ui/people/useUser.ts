import { useCallback, useState } from 'react'
import { localStorageOrNone } from '../app/localStorageOrNone'
import { cleanName, loadUser, saveUser, userWithColor, type UserIdentity } from '../../presence/userIdentity'


/** Your name and color, remembered in this browser. */
export function useUser(): [UserIdentity, (name: string) => void] {
  const [user, setUser] = useState(() => loadUser(localStorageOrNone()))
  const rename = useCallback((name: string) => {
    setUser((prev) => {
      const next = userWithColor(cleanName(name, prev.name), prev.color)
      if (next.name === prev.name) return prev
      saveUser(localStorageOrNone(), next)
      return next
    })
  }, [])
  return [user, rename]
}
