import { useCallback, useSyncExternalStore } from 'react'
import type { Workspace, WorkspaceState } from '../../session/Workspace'

/** The workspace's open session and notice, re-rendering when either changes. */
export function useWorkspace(workspace: Workspace): WorkspaceState {
  const subscribe = useCallback((onChange: () => void) => workspace.subscribe(onChange), [workspace])
  return useSyncExternalStore(subscribe, () => workspace.state)
}
