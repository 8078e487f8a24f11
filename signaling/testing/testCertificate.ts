import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A self-signed certificate (PEM) for `addresses` (default `127.0.0.1` and `localhost`), made with openssl at test time. */
export function makeTestCertificate(subjectAltName = 'IP:127.0.0.1,DNS:localhost'): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'meshpad-cert-'))
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
      '-subj', '/CN=meshpad test', '-addext', `subjectAltName=${subjectAltName}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' })
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
