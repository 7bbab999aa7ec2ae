/**
 * src/directives/ssl.ts: mod_ssl's SSLProtocol / SSLCipherSuite semantics (ssl_engine_config.c
 * ssl_cmd_protocol_parse, ssl_cmd_SSLCipherSuite; ssl_engine_init.c ssl_init_ctx_protocol), and
 * src/runtime/tls-options.ts mapping them onto Node.
 * test/differential/tls-protocols.test.ts checks the same mapping against a live Apache.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent as HttpsAgent, createServer as createHttpsServer, get as httpsGet } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import type { Tls } from '../../src/model/types.js';
import {
  OPENSSL_DEFAULT_TLS13_SUITES,
  checkCiphers,
  parseSslProtocol,
  planCiphers,
  protocolRange,
  unknownTls13Suites,
  unmatchedCipherElements,
  type TlsVersion,
} from '../../src/directives/ssl.js';
import { proxyTlsOptions, sameTlsOptions, serverTlsOptions } from '../../src/runtime/tls-options.js';
import { selfSigned } from '../support/certs.js';
import { tlsSettings } from './fixture.js';

type Expected = { min: TlsVersion; max: TlsVersion; dropped?: TlsVersion[]; overrides?: string[] } | { error: RegExp };

const PROTOCOLS: readonly [string, Expected][] = [
  ['all', { min: 'TLSv1', max: 'TLSv1.3' }],
  ['ALL', { min: 'TLSv1', max: 'TLSv1.3' }],
  ['all -SSLv3', { min: 'TLSv1', max: 'TLSv1.3' }],
  ['all -SSLv2 -SSLv3', { min: 'TLSv1', max: 'TLSv1.3' }],
  ['-all +TLSv1.2 +TLSv1.3', { min: 'TLSv1.2', max: 'TLSv1.3' }],
  ['-all +TLSv1.3', { min: 'TLSv1.3', max: 'TLSv1.3' }],
  ['+TLSv1.3', { min: 'TLSv1.3', max: 'TLSv1.3' }],
  ['TLSv1.2', { min: 'TLSv1.2', max: 'TLSv1.2' }],
  ['tlsv1.2 +TLSV1.3', { min: 'TLSv1.2', max: 'TLSv1.3' }],
  ['all -TLSv1.3', { min: 'TLSv1', max: 'TLSv1.2' }],
  ['all -TLSv1 -TLSv1.1', { min: 'TLSv1.2', max: 'TLSv1.3' }],
  // A word without +/- replaces what came before (AH02532).
  ['TLSv1.2 TLSv1.3', { min: 'TLSv1.3', max: 'TLSv1.3', overrides: ['TLSv1.3'] }],
  ['+TLSv1.2 all -TLSv1', { min: 'TLSv1.1', max: 'TLSv1.3', overrides: ['all'] }],
  // No holes: the range runs down from the highest version while each lower one is enabled.
  ['TLSv1 +TLSv1.2', { min: 'TLSv1.2', max: 'TLSv1.2', dropped: ['TLSv1'] }],
  ['all -TLSv1.2', { min: 'TLSv1.3', max: 'TLSv1.3', dropped: ['TLSv1', 'TLSv1.1'] }],
  ['TLSv1 +TLSv1.1', { min: 'TLSv1', max: 'TLSv1.1' }],
  ['"all"', { min: 'TLSv1', max: 'TLSv1.3' }],
  // Start-up failures.
  ['-all', { error: /AH02231: No SSL protocols available/ }],
  ['', { error: /AH02231/ }],
  ['all -TLSv1 -TLSv1.1 -TLSv1.2 -TLSv1.3', { error: /AH02231/ }],
  ['+SSLv3', { error: /^SSLv3 not supported by this version of OpenSSL$/ }],
  ['SSLv3', { error: /^SSLv3 not supported/ }],
  ['SSLv2', { error: /^SSLProtocol: SSLv2 is no longer supported$/ }],
  ['all +TLSv1.4', { error: /^SSLProtocol: Illegal protocol 'TLSv1.4'$/ }],
  ['+tls1.2', { error: /Illegal protocol 'tls1.2'/ }],
];

describe('SSLProtocol → minVersion/maxVersion', () => {
  it.each(PROTOCOLS)('%j', (text, want) => {
    const parsed = parseSslProtocol(text);
    if (!parsed.ok) {
      if (!('error' in want)) throw new Error(`unexpected parse error: ${parsed.message}`);
      expect(parsed.message).toMatch(want.error);
      return;
    }
    const range = protocolRange(parsed.enabled);
    if (!range.ok) {
      if (!('error' in want)) throw new Error(`unexpected range error: ${range.message}`);
      expect(range.message).toMatch(want.error);
      return;
    }
    if ('error' in want) throw new Error(`expected an error, got ${range.minVersion}–${range.maxVersion}`);
    expect({ min: range.minVersion, max: range.maxVersion, dropped: range.dropped, overrides: parsed.overrides }).toEqual({ min: want.min, max: want.max, dropped: want.dropped ?? [], overrides: want.overrides ?? [] });
  });

  it('names the directive it parses', () => {
    expect(parseSslProtocol('+TLSv9', 'SSLProxyProtocol')).toEqual({ ok: false, word: '+TLSv9', message: "SSLProxyProtocol: Illegal protocol 'TLSv9'" });
  });
});

describe('SSLCipherSuite → ciphers', () => {
  const SUITES = OPENSSL_DEFAULT_TLS13_SUITES;
  it.each([
    // [SSLCipherSuite, SSLCipherSuite TLSv1.3, Node ciphers, TLS 1.3 names found in the ≤ 1.2 list]
    [null, null, `${SUITES}:DEFAULT:!aNULL:!eNULL:!EXP:@SECLEVEL=2`, []],
    ['HIGH:!aNULL', null, `${SUITES}:HIGH:!aNULL:!aNULL:!eNULL:!EXP:@SECLEVEL=2`, []],
    ['HIGH !aNULL,MEDIUM;!RC4', null, `${SUITES}:HIGH:!aNULL:MEDIUM:!RC4:!aNULL:!eNULL:!EXP:@SECLEVEL=2`, []],
    [null, 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256:DEFAULT:!aNULL:!eNULL:!EXP:@SECLEVEL=2', []],
    ['TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES128-SHA', null, `${SUITES}:ECDHE-ECDSA-AES128-SHA:!aNULL:!eNULL:!EXP:@SECLEVEL=2`, ['TLS_AES_128_GCM_SHA256']],
    // A list that sets its own security level keeps it; otherwise Apache's (Debian's) level 2 is made explicit.
    ['DEFAULT@SECLEVEL=0', null, `${SUITES}:DEFAULT@SECLEVEL=0:!aNULL:!eNULL:!EXP`, []],
    ['ECDHE+AESGCM:@STRENGTH', 'TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:ECDHE+AESGCM:@STRENGTH:!aNULL:!eNULL:!EXP:@SECLEVEL=2', []],
  ] as const)('%j + TLSv1.3 %j', (list, suites, ciphers, names) => {
    const plan = planCiphers(list, suites);
    expect(plan.ciphers).toBe(ciphers);
    expect(plan.tls13NamesInList).toEqual(names);
    expect(checkCiphers(plan)).toEqual({ ok: true });
  });

  it.each([
    ['NOPE', null, 'list'],
    ['aNULL', null, 'list'],
    // Only TLS 1.3 names in the ≤ 1.2 list: OpenSSL ignores them there, nothing is left.
    ['TLS_AES_128_GCM_SHA256', null, 'list'],
    [null, 'NOPE', 'tls13'],
    [null, 'TLS_NOPE', 'tls13'],
  ] as const)('%j + TLSv1.3 %j selects nothing: Apache does not start', (list, suites, which) => {
    const r = checkCiphers(planCiphers(list, suites));
    expect(r).toMatchObject({ ok: false, which });
    if (!r.ok) expect(r.message).toMatch(/no cipher match/);
  });

  it('finds list elements that select no cipher here, and unknown TLS 1.3 suites', () => {
    expect(unmatchedCipherElements('ECDHE-ECDSA-AES128-GCM-SHA256:ECDH-RSA-AES128-SHA:HIGH:!NOPE:+RC4:@STRENGTH:TLS_AES_128_GCM_SHA256:DEFAULT@SECLEVEL=0')).toEqual(['ECDH-RSA-AES128-SHA']);
    expect(unmatchedCipherElements('HIGH:!aNULL:!MD5')).toEqual([]);
    // Group keywords that are empty in OpenSSL 3 (MEDIUM, RC4) are leftovers, not typos; a misspelt one is.
    expect(unmatchedCipherElements('HIHG:MEDIUM:RC4+RSA:RC4:HIGH')).toEqual(['HIHG']);
    // Weak but real: selectable once the list lowers the security level, so not reported.
    expect(unmatchedCipherElements('ECDHE-ECDSA-AES128-SHA')).toEqual([]);
    expect(unknownTls13Suites('TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_8_SHA256:TLS_NOPE:AES128')).toEqual(['TLS_NOPE', 'AES128']);
  });
});

const tls = tlsSettings;

describe('serverTlsOptions / proxyTlsOptions', () => {
  it('maps a vhost with nothing set to mod_ssl and OpenSSL defaults', () => {
    expect(serverTlsOptions(tls({}))).toEqual({ ok: true, notes: [], options: { minVersion: 'TLSv1', maxVersion: 'TLSv1.3', ciphers: `${OPENSSL_DEFAULT_TLS13_SUITES}:DEFAULT:!aNULL:!eNULL:!EXP:@SECLEVEL=2`, honorCipherOrder: false, secureOptions: 0, sessionTimeout: 300 } });
    expect(serverTlsOptions(null)).toEqual(serverTlsOptions(tls({})));
  });

  it('maps SSLProtocol, both SSLCipherSuite forms and SSLHonorCipherOrder', () => {
    const m = serverTlsOptions(tls({ protocol: '-all +TLSv1.2 +TLSv1.3', cipherSuite: 'HIGH:!aNULL', tls13CipherSuite: 'TLS_AES_128_GCM_SHA256', honorCipherOrder: true }));
    expect(m).toEqual({ ok: true, notes: [], options: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256:HIGH:!aNULL:!aNULL:!eNULL:!EXP:@SECLEVEL=2', honorCipherOrder: true, secureOptions: 0, sessionTimeout: 300 } });
  });

  it('notes what mod_ssl drops (a protocol below a hole, TLS 1.3 names in the ≤ 1.2 list)', () => {
    const m = serverTlsOptions(tls({ protocol: 'TLSv1 +TLSv1.2', cipherSuite: 'TLS_AES_128_GCM_SHA256:HIGH' }));
    if (!m.ok) throw new Error(m.problem.message);
    expect(m.notes.map((n) => [n.directive, n.hint])).toEqual([
      ['SSLProtocol', 'SSLProtocol -all +TLSv1.2'],
      ['SSLCipherSuite', 'SSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256'],
    ]);
    expect(m.notes[0]!.message).toMatch(/TLSv1 is never offered/);
  });

  it.each([
    [{ protocol: '-all' }, 'SSLProtocol', /enables no protocol: Apache does not start \(AH02231/],
    [{ protocol: 'all +SSLv3' }, 'SSLProtocol', /SSLv3 not supported/],
    [{ cipherSuite: 'NOPE' }, 'SSLCipherSuite', /^SSLCipherSuite NOPE selects no cipher: Apache does not start \(SSL Library Error: no cipher match\)$/],
    [{ tls13CipherSuite: 'NOPE' }, 'SSLCipherSuite', /^SSLCipherSuite TLSv1\.3 NOPE selects no cipher/],
  ] as const)('refuses %j like Apache', (over, directive, message) => {
    const m = serverTlsOptions(tls(over));
    expect(m.ok).toBe(false);
    if (m.ok) return;
    expect(m.problem.directive).toBe(directive);
    expect(m.problem.message).toMatch(message);
    expect(m.problem.hint).toMatch(new RegExp(`^${directive} `));
  });

  it('maps SSLProxyProtocol / SSLProxyCipherSuite for the backend agent, not the server settings', () => {
    const m = proxyTlsOptions(tls({ protocol: 'TLSv1.3', proxyProtocol: '-all +TLSv1.2', proxyCipherSuite: 'ECDHE+AESGCM', proxyTls13CipherSuite: 'TLS_AES_256_GCM_SHA384' }));
    expect(m).toEqual({ ok: true, notes: [], options: { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'TLS_AES_256_GCM_SHA384:ECDHE+AESGCM:!aNULL:!eNULL:!EXP:@SECLEVEL=2' } });
    expect(proxyTlsOptions(null)).toMatchObject({ ok: true, options: { minVersion: 'TLSv1', maxVersion: 'TLSv1.3' } });
    const bad = proxyTlsOptions(tls({ proxyProtocol: '+TLSv2' }));
    expect(bad).toMatchObject({ ok: false, problem: { directive: 'SSLProxyProtocol', hint: 'SSLProxyProtocol -all +TLSv1.2 +TLSv1.3' } });
  });

  it('compares two vhosts’ options', () => {
    const a = serverTlsOptions(tls({ protocol: 'all' }));
    const b = serverTlsOptions(tls({}));
    const c = serverTlsOptions(tls({ honorCipherOrder: true }));
    if (!a.ok || !b.ok || !c.ok) throw new Error('unexpected');
    expect(sameTlsOptions(a.options, b.options)).toBe(true);
    expect(sameTlsOptions(a.options, c.options)).toBe(false);
  });
});

describe('proxyTlsOptions on a real https.Agent (what src/runtime/worker.ts passes it)', () => {
  it('pins the protocol and ciphers of backend connections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apx-tls-opt-'));
    try {
      const files = selfSigned(dir, 'backend');
      // A backend that speaks TLS 1.2 only.
      const server = createHttpsServer({ cert: readFileSync(files.cert), key: readFileSync(files.key), maxVersion: 'TLSv1.2' }, (_q, r) => r.end('ok'));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      const fetchWith = (over: Partial<Tls>): Promise<string> => {
        const m = proxyTlsOptions(tls(over));
        if (!m.ok) throw new Error(m.problem.message);
        const agent = new HttpsAgent({ ...m.options, rejectUnauthorized: false });
        return new Promise((resolve) => {
          const req = httpsGet({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
            const s = res.socket as TLSSocket;
            const out = `${s.getProtocol()} ${s.getCipher().name}`;
            res.resume();
            res.on('end', () => {
              agent.destroy();
              resolve(out);
            });
          });
          req.on('error', () => {
            agent.destroy();
            resolve('fail');
          });
        });
      };
      try {
        expect(await fetchWith({})).toMatch(/^TLSv1\.2 /);
        expect(await fetchWith({ proxyProtocol: '-all +TLSv1.3' })).toBe('fail');
        expect(await fetchWith({ proxyCipherSuite: 'ECDHE-ECDSA-AES128-SHA' })).toBe('TLSv1.2 ECDHE-ECDSA-AES128-SHA');
        expect(await fetchWith({ proxyCipherSuite: 'ECDHE-ECDSA-CAMELLIA256-SHA384' })).toBe('fail');
      } finally {
        await new Promise((r) => server.close(r));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
