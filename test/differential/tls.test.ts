/**
 * TLS termination, apx vs real Apache 2.4 mod_ssl: one config with two name-based `<VirtualHost 127.0.0.1:PORT>`
 * (`SSLEngine on`, each its own certificate from a throwaway CA), both proxying to one echo backend with
 * `RequestHeader set X-Forwarded-Proto https`. Apache runs it from a private ServerRoot; apx loads the very
 * apache2.conf the harness wrote (as test/differential/serve.test.ts does), its Listen moved to a free port.
 *
 * Compared per row: the certificate served for the SNI name (CN and SAN, verified against the throwaway CA), the
 * status, and what the backend saw (Host, X-Forwarded-Proto). Each row states Apache's behaviour as `apache`
 * expectations checked against Apache itself; apx must then produce Apache's observation exactly, unless the row
 * has `known`: a difference pinned as what apx does today (docs/hardening.md "TLS" says why).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslAvailable } from '../support/certs.js';
import { apacheAvailable, apacheSkipReason, createServerRoot, disposeAllApache, startApache, type RunningApache, type ServerRoot } from '../support/apache.js';
import { headerValue, startEchoBackend, type Backend, type ReceivedRequest } from '../support/backends.js';
import type { RunningProxy } from '../../src/runtime/index.js';
import { startApxOn } from '../support/apx.js';

// ───────────────────────────────────────────── certificates ─────────────────────────────────────────────

const OPENSSL = opensslAvailable();
const skipReason = OPENSSL ? apacheSkipReason() : '(skipped: the `openssl` CLI is not installed, no certificates can be made)';
if (!OPENSSL) console.warn('test/differential/tls.test.ts skipped: the `openssl` CLI is not on PATH');

interface Pki {
  dir: string;
  ca: string;
  cert(name: string): string;
  key(name: string): string;
}

/** A CA and one leaf per name (CN = name, SAN DNS:name), EC P-256 so that generation is fast. */
function makePki(names: readonly string[]): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'apx-tls-diff-'));
  const run = (args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'), '-days', '2', '-subj', '/CN=apx throwaway test CA']);
  for (const n of names) {
    run(['req', ...ec, '-keyout', join(dir, `${n}.key`), '-out', join(dir, `${n}.csr`), '-subj', `/CN=${n}`]);
    writeFileSync(join(dir, `${n}.ext`), `subjectAltName=DNS:${n}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    run(['x509', '-req', '-in', join(dir, `${n}.csr`), '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'), '-CAcreateserial', '-days', '2', '-extfile', join(dir, `${n}.ext`), '-out', join(dir, `${n}.crt`)]);
  }
  return { dir, ca: join(dir, 'ca.crt'), cert: (n) => join(dir, `${n}.crt`), key: (n) => join(dir, `${n}.key`) };
}

// ───────────────────────────────────────────── the table ─────────────────────────────────────────────

/** Facts of one exchange over TLS, JSON-safe. */
interface Observation {
  status: number;
  /** Subject CN and subjectAltName of the certificate the server presented. */
  cn: string;
  san: string;
  /** Request headers as the echo backend saw them (null: the request never reached it). */
  host: string | null;
  proto: string | null;
}

interface Row {
  name: string;
  sni: string;
  host: string;
  apache: Partial<Observation>;
  /** A difference from Apache, pinned as what apx does today; docs/hardening.md "TLS" explains it. */
  known?: Partial<Observation>;
}

const ROWS: Row[] = [
  {
    name: 'SNI a.test, Host a.test: a.test certificate, proxied with X-Forwarded-Proto https',
    sni: 'a.test',
    host: 'a.test',
    apache: { status: 200, cn: 'a.test', san: 'DNS:a.test', proto: 'https' },
  },
  {
    name: 'SNI b.test, Host b.test: b.test certificate (SNI picks the second vhost)',
    sni: 'b.test',
    host: 'b.test',
    apache: { status: 200, cn: 'b.test', san: 'DNS:b.test', proto: 'https' },
  },
  {
    // mod_ssl ssl_hook_ReadReq: the Host names another vhost than SNI did and their SSL setups differ → AH02032,
    // 421 Misdirected Request; the request never reaches the backend.
    name: 'SNI a.test, Host b.test: 421 Misdirected Request, nothing forwarded',
    sni: 'a.test',
    host: 'b.test',
    apache: { status: 421, cn: 'a.test', host: null, proto: null },
  },
];

const CONFIG = `
SSLSessionCache shmcb:{{ROOT}}/ssl_scache(512000)
<VirtualHost 127.0.0.1:{{PORT}}>
    ServerName a.test
    SSLEngine on
    SSLCertificateFile {{ACRT}}
    SSLCertificateKeyFile {{AKEY}}
    RequestHeader set X-Forwarded-Proto https
    ProxyPreserveHost On
    ProxyPass / {{B}}/
</VirtualHost>
<VirtualHost 127.0.0.1:{{PORT}}>
    ServerName b.test
    SSLEngine on
    SSLCertificateFile {{BCRT}}
    SSLCertificateKeyFile {{BKEY}}
    RequestHeader set X-Forwarded-Proto https
    ProxyPreserveHost On
    ProxyPass / {{B}}/
</VirtualHost>
`;

/** One HTTPS request to 127.0.0.1:port with this SNI name and Host, the server verified against the CA. */
function observe(port: number, row: Row, ca: Buffer, echo: Backend): Promise<Observation> {
  const before = echo.requests.length;
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path: '/tls', servername: row.sni, ca, headers: { Host: row.host }, agent: false },
      (res) => {
        const cert = (res.socket as TLSSocket).getPeerCertificate();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const seen: ReceivedRequest | undefined = echo.requests.slice(before)[0];
          resolve({
            status: res.statusCode ?? 0,
            cn: String(cert.subject?.CN ?? ''),
            san: cert.subjectaltname ?? '',
            host: seen ? (headerValue(seen.headers, 'Host') ?? null) : null,
            proto: seen ? (headerValue(seen.headers, 'X-Forwarded-Proto') ?? null) : null,
          });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const startApx = (root: ServerRoot): Promise<{ proxy: RunningProxy; port: number }> => startApxOn(root);

// ───────────────────────────────────────────── the suite ─────────────────────────────────────────────

describe.skipIf(!OPENSSL || !apacheAvailable())(`TLS termination: apx vs Apache 2.4 mod_ssl ${skipReason}`, () => {
  let pki: Pki;
  let ca: Buffer;
  let echo: Backend;
  let httpd: RunningApache;
  let apx: { proxy: RunningProxy; port: number };
  const fromApache = new Map<string, Observation>();

  beforeAll(async () => {
    pki = makePki(['a.test', 'b.test']);
    ca = readFileSync(pki.ca);
    echo = await startEchoBackend({ name: 'echo' });
    const root = await createServerRoot({
      modules: ['ssl', 'proxy', 'proxy_http', 'headers', 'socache_shmcb'],
      config: CONFIG,
      vars: { B: echo.url, ACRT: pki.cert('a.test'), AKEY: pki.key('a.test'), BCRT: pki.cert('b.test'), BKEY: pki.key('b.test') },
    });
    httpd = await startApache(root);
    apx = await startApx(httpd.root);
  }, 15_000);
  afterAll(async () => {
    await apx?.proxy.close();
    await httpd?.stop();
    await disposeAllApache();
    await echo?.close();
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });

  for (const row of ROWS) {
    it(`Apache: ${row.name}`, async () => {
      const o = await observe(httpd.port, row, ca, echo);
      fromApache.set(row.name, o);
      expect(o).toMatchObject(row.apache);
      // ProxyPreserveHost On: a forwarded request carries the client's Host.
      if (o.status === 200) expect(o.host).toBe(row.host);
      // mod_ssl names the refusal in the error log (AH02032: SNI and Host have no compatible SSL setup).
      if (o.status === 421) await httpd.waitForLog('error', 'AH02032');
    });

    it(`apx ${row.known ? '(known difference, docs/hardening.md "TLS")' : 'matches Apache'}: ${row.name}`, async () => {
      const o = await observe(apx.port, row, ca, echo);
      const a = fromApache.get(row.name);
      if (!a) throw new Error('the Apache row did not run');
      if (row.known) {
        expect(o).toMatchObject(row.known);
        expect(o).not.toEqual(a);
      } else {
        expect(o).toEqual(a);
      }
    });
  }
});
