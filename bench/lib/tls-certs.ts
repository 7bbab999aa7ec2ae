/**
 * A self-signed certificate for 127.0.0.1, made per run with the openssl CLI (no key is ever checked in): RSA 2048,
 * what Debian's make-ssl-cert (the "snakeoil" pair) and most tutorials produce, so the handshake cost is the usual one.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface CertPair {
  readonly certFile: string;
  readonly keyFile: string;
}

export function makeSelfSigned(dir: string): CertPair {
  const certFile = join(dir, 'bench-cert.pem');
  const keyFile = join(dir, 'bench-key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { certFile, keyFile };
}
