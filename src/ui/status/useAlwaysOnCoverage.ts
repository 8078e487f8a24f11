import { useEffect, useState } from 'react'
import { AlwaysOnCoverage, NO_COVERAGE, type Coverage } from '../../presence/AlwaysOnCoverage'
import type { Session } from '../../session/openSession'

/** How many always-on peers keep this copy's latest state (see `AlwaysOnCoverage`). */
export function useAlwaysOnCoverage(session: Session): Coverage {
  const [coverage, setCoverage] = useState<Coverage>(NO_COVERAGE)
  useEffect(() => {
    const tracker = new AlwaysOnCoverage(session.doc, session.awareness, session.alwaysOn)
    const update = (): void => setCoverage(tracker.coverage)
    update()
    tracker.onChange(update)
    return () => {
      tracker.destroy()
      setCoverage(NO_COVERAGE)
    }
  }, [session])
  return coverage
}
