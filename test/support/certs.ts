/**
 * Throwaway certificates for TLS tests, made with the openssl CLI in a directory the caller owns (no key is ever
 * checked in). EC P-256 by default, which is fast to generate; RSA where a test needs its size.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface SelfSignedOptions {
  /** Key type: `ec` (P-256, the default), or `rsa:BITS`. */
  readonly key?: 'ec' | `rsa:${number}`;
  /** Subject CN; default `name`. */
  readonly cn?: string;
  /** A subjectAltName DNS entry. */
  readonly san?: string;
}

/** A self-signed certificate and its key, written to `<dir>/<name>.crt` and `<dir>/<name>.key`. */
export function selfSigned(dir: string, name: string, opts: SelfSignedOptions = {}): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const newKey = (opts.key ?? 'ec') === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', opts.key!];
  const san = opts.san !== undefined ? ['-addext', `subjectAltName=DNS:${opts.san}`] : [];
  execFileSync('openssl', ['req', '-x509', ...newKey, '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${opts.cn ?? name}`, ...san], { stdio: 'ignore' });
  return { cert, key };
}
