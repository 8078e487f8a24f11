/**
 * How long the early scripts keep what they opened (a socket, a database) for the session. Not
 * taken by then, the app failed to start: nobody will use it, and it is closed.
 */
export const EARLY_HOLD_MS = 15_000
