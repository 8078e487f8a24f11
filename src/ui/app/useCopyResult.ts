import { useEffect, useState } from 'react'

/** How long a copy's confirmation stays. */
export const CONFIRM_MS = 2500

/** The outcome of the latest copy, shown for {@link CONFIRM_MS} and then cleared. */
export function useCopyResult(): [result: 'copied' | 'failed' | null, setResult: (result: 'copied' | 'failed') => void] {
  const [result, setResult] = useState<'copied' | 'failed' | null>(null)
  useEffect(() => {
    if (result === null) return
    const timer = setTimeout(() => setResult(null), CONFIRM_MS)
    return () => clearTimeout(timer)
  }, [result])
  return [result, setResult]
}
