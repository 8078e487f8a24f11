import { useCallback, useState } from 'react'

/** A boolean preference of this browser's user (not shared with the room), kept in localStorage. */
export function useLocalPreference(key: string, fallback: boolean): [boolean, (value: boolean) => void] {
  const [value, setValue] = useState(() => {
    try {
      const stored = window.localStorage.getItem(key)
      return stored === null ? fallback : stored === 'true'
    } catch {
      return fallback
    }
  })
  const update = useCallback(
    (next: boolean) => {
      setValue(next)
      try {
        window.localStorage.setItem(key, String(next))
      } catch {
        // Storage blocked: the preference holds for this page only.
      }
    },
    [key],
  )
  return [value, update]
}
