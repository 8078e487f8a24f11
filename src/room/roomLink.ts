/**
 * Reads the room secret from a URL fragment (`location.hash`). Any non-empty fragment is a secret;
 * `''` and `'#'` are not, and give `null`.
 */
export function roomSecretFromHash(hash: string): string | null {
  const secret = hash.startsWith('#') ? hash.slice(1) : hash
  return secret.length > 0 ? secret : null
}
