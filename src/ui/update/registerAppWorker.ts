/** Where vite-plugin-pwa writes the service worker (see vite.config.ts), and its scope. */
export const APP_WORKER_URL = '/sw.js'

export interface AppWorker {
  /** Asks the waiting new version to take over (its `SKIP_WAITING` message, as Workbox's worker expects). */
  activateWaiting(): void
  /** Asks the server whether there is a new version. */
  checkForUpdate(): void
  /** Idempotent. Stops reporting. */
  destroy(): void
}

/**
 * Registers the app's service worker once the page has loaded, so it never competes with the
 * page's own start (its install downloads every file of the build), and calls `onWaiting` whenever
 * a new version is installed and waits while this page runs an older one: found by this page, by
 * another tab (tabs share the registration) or left waiting from an earlier visit. A first install
 * (no version running yet) is not a new version.
 *
 * The browser's own API rather than workbox-window: these few calls are all Meshpad needs of
 * it, and every first visit would fetch it otherwise.
 */
export function registerAppWorker(container: ServiceWorkerContainer, onWaiting: () => void, onError: (error: unknown) => void): AppWorker {
  let registration: ServiceWorkerRegistration | null = null
  let destroyed = false
  const report = (): void => {
    if (!destroyed && registration?.waiting && container.controller !== null) onWaiting()
  }
  const watchInstalling = (): void => {
    const worker = registration?.installing
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed') report()
    })
  }
  const register = (): void => {
    container.register(APP_WORKER_URL, { scope: '/' }).then((registered) => {
      if (destroyed) return
      registration = registered
      registered.addEventListener('updatefound', watchInstalling)
      watchInstalling()
      report()
    }, onError)
  }
  if (document.readyState === 'complete') register()
  else window.addEventListener('load', register, { once: true })

  return {
    activateWaiting() {
      registration?.waiting?.postMessage({ type: 'SKIP_WAITING' })
    },
    checkForUpdate() {
      registration?.update().catch(() => {
        // Offline or the server is down: asked again at the next check.
      })
    },
    destroy() {
      destroyed = true
      window.removeEventListener('load', register)
      registration?.removeEventListener('updatefound', watchInstalling)
    },
  }
}
