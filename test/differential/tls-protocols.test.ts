/**
 * SSLProtocol / SSLCipherSuite / SSLHonorCipherOrder: apx vs real Apache 2.4.71 mod_ssl (OpenSSL 3).
 *
 * One private ServerRoot holds one TLS `<VirtualHost 127.0.0.1:PORTn>` per row, each on its own port, so one
 * Apache serves every row; apx loads the very config the harness wrote (each port moved to a free one). Then the
 * same clients connect to both: Node `tls.connect` pinned to one protocol version (minVersion = maxVersion, with
 * `@SECLEVEL=0` on the client so that only the server can refuse TLSv1/TLSv1.1), and a few client cipher lists.
 * What is compared per probe: whether the handshake succeeds, and the protocol and cipher negotiated. Every row
 * must match Apache exactly. The rows also pin what Apache does (`apache`), so a change in Apache shows up as such.
 *
 * Configs Apache refuses to start (no cipher match, no protocol, SSLv3) must make apx refuse too; and name-based
 * vhosts on one address with settings of their own must negotiate per SNI name as mod_ssl does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslAvailable, selfSigned } from '../support/certs.js';
import { apacheAvailable, apacheSkipReason, createServerRoot, disposeAllApache, startApache, type RunningApache } from '../support/apache.js';
import { load } from '../../src/config/index.js';
import { compile } from '../../src/model/index.js';
import { startProxy, StartupError, type RunningProxy } from '../../src/runtime/index.js';

const OPENSSL = opensslAvailable();
const skipReason = OPENSSL ? apacheSkipReason() : '(skipped: the `openssl` CLI is not installed, no certificates can be made)';

/** A self-signed EC P-256 leaf per name (the probes do not verify: only the handshake parameters matter here). */
function makeCerts(names: readonly string[]): { dir: string; cert: (n: string) => string; key: (n: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'apx-tls-proto-'));
  for (const n of names) selfSigned(dir, n, { san: n });
  return { dir, cert: (n) => join(dir, `${n}.crt`), key: (n) => join(dir, `${n}.key`) };
}

// ───────────────────────────────────────────── probes ─────────────────────────────────────────────

type Version = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
interface Probe {
  readonly name: string;
  readonly version: Version;
  /** The client's cipher string (Node syntax: TLS_* entries are TLS 1.3 suites). */
  readonly ciphers: string;
}

const EVERYTHING = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:ALL@SECLEVEL=0';
const PROBES: readonly Probe[] = [
  ...(['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const).map((v) => ({ name: v, version: v, ciphers: EVERYTHING })),
  // In HIGH, not in OpenSSL's DEFAULT (what mod_ssl uses with no SSLCipherSuite); ARIA is in Node's own default
  // list, so apx has to write OpenSSL's default out to refuse it as Apache does.
  { name: '1.2 camellia only', version: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-CAMELLIA256-SHA384' },
  { name: '1.2 aria only', version: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-ARIA256-GCM-SHA384' },
  // The client prefers a CBC/SHA-1 cipher: the server picks it unless SSLHonorCipherOrder puts its own order first.
  { name: '1.2 client prefers AES128-SHA', version: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305' },
  { name: '1.3 client prefers AES128', version: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384' },
  { name: '1.3 AES128 only', version: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' },
];

/** "TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384", or "fail". */
function probe(port: number, p: Probe, servername: string | undefined = 'a.test'): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, ...(servername !== undefined ? { servername } : {}), rejectUnauthorized: false, minVersion: p.version, maxVersion: p.version, ciphers: p.ciphers }, () => {
      const out = `${socket.getProtocol()} ${socket.getCipher().name}`;
      socket.destroy();
      resolve(out);
    });
    socket.on('error', () => resolve('fail'));
    socket.setTimeout(5_000, () => {
      socket.destroy();
      resolve('fail');
    });
  });
}

// ───────────────────────────────────────────── the table ─────────────────────────────────────────────

interface Row {
  readonly name: string;
  /** Lines inside the vhost, after its certificate lines. */
  readonly ssl: string;
  /** Apache's observations, probe name → outcome (only the probes that say something about the row). */
  readonly apache: Readonly<Record<string, string>>;
}

const G256 = 'ECDHE-ECDSA-AES256-GCM-SHA384';
const ROWS: readonly Row[] = [
  {
    // mod_ssl's default is `all` (TLSv1–1.3), but OpenSSL 3 refuses TLSv1/1.1 at security level ≥ 1.
    name: 'no SSL directives (mod_ssl and OpenSSL defaults)',
    ssl: '',
    apache: { TLSv1: 'fail', 'TLSv1.1': 'fail', 'TLSv1.2': `TLSv1.2 ${G256}`, 'TLSv1.3': 'TLSv1.3 TLS_AES_256_GCM_SHA384', '1.2 camellia only': 'fail', '1.2 aria only': 'fail', '1.2 client prefers AES128-SHA': 'TLSv1.2 ECDHE-ECDSA-AES128-SHA', '1.3 client prefers AES128': 'TLSv1.3 TLS_AES_128_GCM_SHA256' },
  },
  {
    name: 'SSLProtocol -all +TLSv1.3',
    ssl: 'SSLProtocol -all +TLSv1.3',
    apache: { 'TLSv1.2': 'fail', 'TLSv1.3': 'TLSv1.3 TLS_AES_256_GCM_SHA384' },
  },
  {
    name: 'SSLProtocol TLSv1.2',
    ssl: 'SSLProtocol TLSv1.2',
    apache: { 'TLSv1.2': `TLSv1.2 ${G256}`, 'TLSv1.3': 'fail' },
  },
  {
    name: 'SSLProtocol all -TLSv1.3',
    ssl: 'SSLProtocol all -TLSv1.3',
    apache: { 'TLSv1.1': 'fail', 'TLSv1.2': `TLSv1.2 ${G256}`, 'TLSv1.3': 'fail' },
  },
  {
    // ssl_init_ctx_protocol: no holes, so TLSv1 below the missing TLSv1.1 is never offered.
    name: 'SSLProtocol TLSv1 +TLSv1.2 (a hole) with @SECLEVEL=0',
    ssl: 'SSLProtocol TLSv1 +TLSv1.2\nSSLCipherSuite DEFAULT@SECLEVEL=0',
    apache: { TLSv1: 'fail', 'TLSv1.2': `TLSv1.2 ${G256}`, 'TLSv1.3': 'fail' },
  },
  {
    // With the security level lowered, the default `all` really includes TLSv1 and TLSv1.1.
    name: 'SSLCipherSuite DEFAULT@SECLEVEL=0 (default SSLProtocol)',
    ssl: 'SSLCipherSuite DEFAULT@SECLEVEL=0',
    apache: { TLSv1: 'TLSv1 ECDHE-ECDSA-AES256-SHA', 'TLSv1.1': 'TLSv1.1 ECDHE-ECDSA-AES256-SHA', 'TLSv1.3': 'TLSv1.3 TLS_AES_256_GCM_SHA384' },
  },
  {
    name: 'SSLCipherSuite HIGH:!aNULL + SSLHonorCipherOrder on',
    ssl: 'SSLCipherSuite HIGH:!aNULL\nSSLHonorCipherOrder on',
    apache: { '1.2 camellia only': 'TLSv1.2 ECDHE-ECDSA-CAMELLIA256-SHA384', '1.2 aria only': 'TLSv1.2 ECDHE-ECDSA-ARIA256-GCM-SHA384', '1.2 client prefers AES128-SHA': `TLSv1.2 ${G256}`, '1.3 client prefers AES128': 'TLSv1.3 TLS_AES_256_GCM_SHA384' },
  },
  {
    name: 'SSLCipherSuite TLSv1.3 TLS_CHACHA20_POLY1305_SHA256',
    ssl: 'SSLCipherSuite TLSv1.3 TLS_CHACHA20_POLY1305_SHA256',
    apache: { 'TLSv1.3': 'TLSv1.3 TLS_CHACHA20_POLY1305_SHA256', '1.3 AES128 only': 'fail', 'TLSv1.2': `TLSv1.2 ${G256}` },
  },
  {
    // OpenSSL's cipher list ignores TLS 1.3 names: TLS 1.3 keeps its default suites.
    name: 'a TLS 1.3 name inside the TLS ≤ 1.2 list',
    ssl: 'SSLCipherSuite TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES128-SHA',
    apache: { 'TLSv1.2': 'TLSv1.2 ECDHE-ECDSA-AES128-SHA', 'TLSv1.3': 'TLSv1.3 TLS_AES_256_GCM_SHA384', '1.2 aria only': 'fail' },
  },
];

function vhost(port: string, name: string, ssl: string): string {
  return `<VirtualHost 127.0.0.1:{{${port}}}>\n    ServerName ${name}\n    SSLEngine on\n    SSLCertificateFile {{CRT_${name.replace('.', '_')}}}\n    SSLCertificateKeyFile {{KEY_${name.replace('.', '_')}}}\n${ssl
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => `    ${l}\n`)
    .join('')}</VirtualHost>\n`;
}

const MODULES = ['ssl', 'socache_shmcb'];
const CACHE = 'SSLSessionCache shmcb:{{ROOT}}/ssl_scache(512000)\n';

async function startApx(confFile: string, serverRoot: string, ports: readonly number[]): Promise<{ proxy: RunningProxy; portOf: Map<number, number> }> {
  const { model, diagnostics } = compile(load({ file: confFile }, { serverRoot }));
  if (!model) throw new Error(`apx could not compile the config: ${diagnostics.map((d) => d.message).join('; ')}`);
  const proxy = await startProxy(model, { listen: ports.map((port) => ({ port, host: '127.0.0.1', listenPort: 0 })), accessLog: null, errorLog: new PassThrough().resume() });
  return { proxy, portOf: new Map(proxy.addresses.map((a) => [a.servesPort, a.port])) };
}

// ───────────────────────────────────────────── the suite ─────────────────────────────────────────────

describe.skipIf(!OPENSSL || !apacheAvailable())(`SSLProtocol / SSLCipherSuite: apx vs Apache 2.4 mod_ssl ${skipReason}`, () => {
  let certs: ReturnType<typeof makeCerts>;
  let vars: Record<string, string>;
  let sniVars: Record<string, string>;
  let httpd: RunningApache;
  let apx: Awaited<ReturnType<typeof startApx>>;

  beforeAll(async () => {
    certs = makeCerts(['a.test', 'b.test', 'c.test', 'd.test', 'e.test', 'f.test', 'g.test']);
    vars = { CRT_a_test: certs.cert('a.test'), KEY_a_test: certs.key('a.test') };
    sniVars = Object.fromEntries(['b.test', 'c.test', 'd.test', 'e.test', 'f.test', 'g.test'].flatMap((n) => [[`CRT_${n.replace('.', '_')}`, certs.cert(n)], [`KEY_${n.replace('.', '_')}`, certs.key(n)]]));
    const config = CACHE + ROWS.map((r, i) => `Listen 127.0.0.1:{{PORT${i + 1}}}\n` + vhost(`PORT${i + 1}`, 'a.test', r.ssl)).join('');
    const root = await createServerRoot({ modules: MODULES, config, vars, extraPorts: ROWS.length });
    httpd = await startApache(root);
    apx = await startApx(root.confFile, root.dir, httpd.ports.slice(1));
  }, 20_000);
  afterAll(async () => {
    await apx?.proxy.close();
    await httpd?.stop();
    await disposeAllApache();
    if (certs) rmSync(certs.dir, { recursive: true, force: true });
  });

  for (const [i, row] of ROWS.entries()) {
    it(`${row.name}: every probe negotiates the same as Apache`, async () => {
      const apachePort = httpd.ports[i + 1]!;
      const apxPort = apx.portOf.get(apachePort)!;
      const fromApache: Record<string, string> = {};
      const fromApx: Record<string, string> = {};
      for (const p of PROBES) {
        fromApache[p.name] = await probe(apachePort, p);
        fromApx[p.name] = await probe(apxPort, p);
      }
      expect(fromApache).toMatchObject(row.apache);
      expect(fromApx).toEqual(fromApache);
    });
  }

  // Apache refuses these at start-up ("Syntax OK" for some: the error comes from ssl_init_Module); apx refuses too.
  const REFUSED: readonly { ssl: string; apache: RegExp; apx: RegExp }[] = [
    { ssl: 'SSLCipherSuite NOPE', apache: /no cipher match/, apx: /SSLCipherSuite NOPE selects no cipher/ },
    { ssl: 'SSLCipherSuite TLSv1.3 NOPE', apache: /no cipher match/, apx: /SSLCipherSuite TLSv1\.3 NOPE selects no cipher/ },
    { ssl: 'SSLProtocol -all', apache: /AH02231: No SSL protocols available/, apx: /enables no protocol.*AH02231/ },
    { ssl: 'SSLProtocol +SSLv3', apache: /SSLv3 not supported by this version of OpenSSL/, apx: /SSLv3 not supported by this version of OpenSSL/ },
    { ssl: 'SSLProtocol +TLSv1.4', apache: /Illegal protocol 'TLSv1.4'/, apx: /Illegal protocol 'TLSv1.4'/ },
  ];
  for (const c of REFUSED) {
    it(`${c.ssl}: Apache does not start, and neither does apx`, async () => {
      const root = await createServerRoot({ modules: MODULES, config: CACHE + vhost('PORT', 'a.test', c.ssl), vars });
      const started = await startApache(root).then(
        async (a) => {
          await a.stop();
          return null;
        },
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      expect(started).toMatch(c.apache);
      const err = await startApx(root.confFile, root.dir, [root.port]).then(
        async (r) => {
          await r.proxy.close();
          return null;
        },
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StartupError);
      expect((err as StartupError).message).toMatch(c.apx);
      expect((err as StartupError).hint).toMatch(/^SSL(Protocol|CipherSuite) /);
    });
  }

  // Debian's OpenSSL runs at security level 2, Node's bundled one at 1: apx makes Apache's level explicit.
  it('a 1024-bit RSA key: Apache does not start ("ee key too small"), and neither does apx; @SECLEVEL=1 lets both', async () => {
    const { key, cert: crt } = selfSigned(certs.dir, 'weak', { key: 'rsa:1024', cn: 'a.test' });
    for (const [ssl, starts] of [['', false], ['SSLCipherSuite DEFAULT@SECLEVEL=1', true]] as const) {
      const root = await createServerRoot({ modules: MODULES, config: CACHE + vhost('PORT', 'a.test', ssl), vars: { CRT_a_test: crt, KEY_a_test: key } });
      const apache = await startApache(root).then(
        async (a) => {
          const v12 = await probe(a.port, PROBES.find((p) => p.name === 'TLSv1.2')!);
          await a.stop();
          return v12;
        },
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      const apx = await startApx(root.confFile, root.dir, [root.port]).then(
        async (r) => {
          const v12 = await probe(r.portOf.get(root.port)!, PROBES.find((p) => p.name === 'TLSv1.2')!);
          await r.proxy.close();
          return v12;
        },
        (e: unknown) => e,
      );
      if (starts) {
        expect(apache).toMatch(/^TLSv1\.2 ECDHE-RSA-/);
        expect(apx).toBe(apache);
      } else {
        expect(apache).toMatch(/ee key too small/);
        expect(apx).toBeInstanceOf(StartupError);
        expect((apx as StartupError).message).toMatch(/ee key too small \(Apache does not start either\)$/);
      }
    }
  });

  // mod_ssl ≥ 2.4.42 switches the handshake settings per SNI name (ssl_callback_ClientHello → ssl_find_vhost): the
  // vhost's range when it has an SSLProtocol, else the connection's; its cipher lists; its options added. apx reads
  // the ClientHello and hands the connection to a TLS server with that vhost's settings (src/runtime/tls-sni.ts).
  const SNI_VHOSTS: readonly [string, string][] = [
    ['a.test', 'SSLProtocol TLSv1.2 +TLSv1.3\nSSLHonorCipherOrder on'],
    ['b.test', 'SSLProtocol -all +TLSv1.3'],
    ['c.test', 'SSLCipherSuite ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-CAMELLIA256-SHA384\nSSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256'],
    ['d.test', 'SSLCipherSuite ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA\nSSLHonorCipherOrder on'],
    ['e.test', ''],
    // SSL_set_options adds the vhost's options to the connection's: SSLHonorCipherOrder off cannot undo a.test's on.
    ['f.test', 'SSLCipherSuite ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-SHA\nSSLHonorCipherOrder off'],
    // ssl_util_vhost_matches: a wildcard ServerAlias selects the vhost too.
    ['g.test', 'ServerAlias *.wild.test\nSSLProtocol -all +TLSv1.3'],
  ];
  const SNI_NAMES = [...SNI_VHOSTS.map(([n]) => n), 'x.Wild.test', 'unknown.test', ''];
  it('name-based vhosts on one address with their own settings: each SNI name negotiates as on Apache', async () => {
    const config = CACHE + SNI_VHOSTS.map(([n, ssl]) => vhost('PORT', n, ssl)).join('');
    const root = await createServerRoot({ modules: MODULES, config, vars: { ...vars, ...sniVars } });
    const a = await startApache(root);
    const fromApache: Record<string, string> = {};
    try {
      for (const name of SNI_NAMES) for (const p of PROBES) fromApache[`${name || '(no SNI)'} ${p.name}`] = await probe(a.port, p, name || undefined);
    } finally {
      await a.stop();
    }
    // What Apache does, so that a change in Apache shows as such.
    expect(fromApache).toMatchObject({
      'a.test TLSv1.2': `TLSv1.2 ${G256}`,
      'b.test TLSv1.2': 'fail',
      'b.test TLSv1.3': 'TLSv1.3 TLS_AES_256_GCM_SHA384',
      'c.test 1.2 camellia only': 'TLSv1.2 ECDHE-ECDSA-CAMELLIA256-SHA384',
      'c.test 1.3 client prefers AES128': 'TLSv1.3 TLS_AES_128_GCM_SHA256',
      'd.test 1.2 client prefers AES128-SHA': 'TLSv1.2 ECDHE-ECDSA-CHACHA20-POLY1305',
      'f.test 1.2 client prefers AES128-SHA': 'TLSv1.2 ECDHE-ECDSA-CHACHA20-POLY1305',
      'x.Wild.test TLSv1.2': 'fail',
      'unknown.test TLSv1.2': `TLSv1.2 ${G256}`,
      '(no SNI) 1.2 camellia only': 'fail',
    });
    const apx = await startApx(root.confFile, root.dir, [root.port]);
    const fromApx: Record<string, string> = {};
    try {
      const port = apx.portOf.get(root.port)!;
      for (const name of SNI_NAMES) for (const p of PROBES) fromApx[`${name || '(no SNI)'} ${p.name}`] = await probe(port, p, name || undefined);
    } finally {
      await apx.proxy.close();
    }
    expect(fromApx).toEqual(fromApache);
  });
});
