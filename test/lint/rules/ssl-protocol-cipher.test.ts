/**
 * ssl-protocol-cipher fires / stays quiet. The rule is run on its own through lint()'s `ruleSet` (it is listed in
 * src/lint/rules/index.ts by the lead); its docs page's Bad/Good examples are checked here the same way
 * test/lint/docs.test.ts checks the registered rules.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sslProtocolCipher } from '../../../src/lint/rules/ssl-protocol-cipher.js';
import { problemsOf } from '../helpers.js';

const ID = 'ssl-protocol-cipher';
const run = (text: string): ReturnType<typeof problemsOf> => problemsOf(text, ID, { ruleSet: [sslProtocolCipher] });
const vhost = (body: string, address = '*:443', name = 'a.example'): string =>
  `<VirtualHost ${address}>\n  ServerName ${name}\n  SSLEngine on\n  SSLCertificateFile /c.pem\n  SSLCertificateKeyFile /k.pem\n${body
    .split('\n')
    .map((l) => `  ${l}\n`)
    .join('')}</VirtualHost>\n`;

interface Fire {
  readonly name: string;
  readonly text: string;
  readonly severity: 'error' | 'warning';
  readonly message: RegExp;
  readonly hint?: string | RegExp;
  readonly line?: number;
  readonly count?: number;
}

const FIRE: readonly Fire[] = [
  { name: 'illegal protocol name', text: 'SSLProtocol all +TLSv1.4\n', severity: 'error', message: /^SSLProtocol: Illegal protocol 'TLSv1\.4': Apache does not start$/, hint: 'SSLProtocol -all +TLSv1.2 +TLSv1.3', line: 1 },
  { name: 'SSLv3', text: vhost('SSLProtocol +SSLv3 +TLSv1.2'), severity: 'error', message: /SSLv3 not supported by this version of OpenSSL/, line: 6 },
  { name: 'SSLv2', text: 'SSLProtocol SSLv2\n', severity: 'error', message: /SSLv2 is no longer supported/ },
  { name: 'no protocol left', text: 'SSLProtocol -all\n', severity: 'error', message: /enables no protocol: .*Syntax OK, then Apache does not start \(AH02231/ },
  { name: 'empty SSLProxyProtocol', text: 'SSLProxyProtocol all -TLSv1 -TLSv1.1 -TLSv1.2 -TLSv1.3\n', severity: 'error', message: /^SSLProxyProtocol .* enables no protocol/, hint: 'SSLProxyProtocol -all +TLSv1.2 +TLSv1.3' },
  { name: 'a word without + replaces the ones before (AH02532)', text: 'SSLProtocol TLSv1.2 TLSv1.3\n', severity: 'warning', message: /"TLSv1\.3" has no \+ or - and replaces everything before it \(Apache logs AH02532\), so only TLSv1\.3 is enabled/, hint: 'SSLProtocol TLSv1.2 +TLSv1.3' },
  { name: 'a hole drops the versions below it', text: 'SSLProtocol -all +TLSv1.1 +TLSv1.3\nSSLCipherSuite DEFAULT@SECLEVEL=0\n', severity: 'warning', message: /TLSv1\.1 is never offered .* here TLSv1\.3–TLSv1\.3/, hint: 'SSLProtocol -all +TLSv1.3' },
  { name: 'TLSv1 named, security level not lowered', text: vhost('SSLProtocol TLSv1 +TLSv1.1 +TLSv1.2'), severity: 'warning', message: /TLSv1 and TLSv1\.1 cannot be negotiated — OpenSSL 3 refuses them/, hint: 'SSLProtocol -all +TLSv1.2' },
  { name: 'TLSv1 named with the main server’s list not lowering the level', text: 'SSLCipherSuite HIGH\n' + vhost('SSLProtocol +TLSv1.1 +TLSv1.2 +TLSv1.3'), severity: 'warning', message: /TLSv1\.1 cannot be negotiated/ },
  { name: 'no cipher match', text: 'SSLCipherSuite NOPE:ALSO-NOPE\n', severity: 'error', message: /^SSLCipherSuite NOPE:ALSO-NOPE selects no cipher: "apachectl configtest" says Syntax OK, then Apache does not start \(SSL Library Error: no cipher match\)$/, hint: 'SSLCipherSuite HIGH:!aNULL' },
  { name: 'only null ciphers (mod_ssl appends !aNULL:!eNULL:!EXP)', text: 'SSLCipherSuite aNULL\n', severity: 'error', message: /selects no cipher/ },
  { name: 'no TLS 1.3 suite', text: 'SSLCipherSuite TLSv1.3 TLS_NOPE\n', severity: 'error', message: /^SSLCipherSuite TLSv1\.3 TLS_NOPE selects no TLS 1\.3 suite: Apache does not start/ },
  { name: 'SSLProxyCipherSuite no match', text: '<VirtualHost *:80>\nSSLProxyEngine on\nSSLProxyCipherSuite NOPE\n</VirtualHost>\n', severity: 'error', message: /^SSLProxyCipherSuite NOPE selects no cipher/, hint: 'SSLProxyCipherSuite HIGH:!aNULL', line: 3 },
  { name: 'two arguments, first not SSL/TLSv1.3', text: 'SSLCipherSuite HIGH !aNULL\n', severity: 'error', message: /protocol 'HIGH' not supported/, hint: 'SSLCipherSuite HIGH:!aNULL' },
  { name: 'TLSv1.3 spelled in lower case', text: 'SSLCipherSuite tlsv1.3 TLS_AES_128_GCM_SHA256\n', severity: 'error', message: /protocol 'tlsv1\.3' not supported/ },
  { name: 'elements that select nothing', text: 'SSLCipherSuite ECDHE-ECDSA-AES128-GCM-SHA256:ECDH-RSA-AES128-SHA:RC4-MD5\n', severity: 'warning', message: /^SSLCipherSuite: ECDH-RSA-AES128-SHA, RC4-MD5 select no cipher in this OpenSSL/, hint: "openssl ciphers -v 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDH-RSA-AES128-SHA:RC4-MD5'" },
  { name: 'a TLS 1.3 suite in the TLS ≤ 1.2 list', text: 'SSLCipherSuite TLS_AES_128_GCM_SHA256:HIGH\n', severity: 'warning', message: /TLS_AES_128_GCM_SHA256 is a TLS 1\.3 suite, which OpenSSL ignores/, hint: 'SSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256' },
  { name: 'an unknown TLS 1.3 suite beside a known one', text: 'SSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256:TLS_AES_512_GCM\n', severity: 'warning', message: /TLS_AES_512_GCM is not a TLS 1\.3 suite OpenSSL knows/, hint: 'SSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256' },
];

const QUIET: readonly { name: string; text: string }[] = [
  { name: 'Debian ssl.conf', text: 'SSLCipherSuite HIGH:!aNULL\nSSLProtocol all -SSLv3\n' },
  { name: 'a modern vhost', text: vhost('SSLProtocol -all +TLSv1.2 +TLSv1.3\nSSLCipherSuite ECDHE+AESGCM:ECDHE+CHACHA20\nSSLCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256\nSSLHonorCipherOrder on') },
  { name: 'case-insensitive protocol names', text: 'SSLProtocol -ALL +tlsv1.2 +TLSV1.3\n' },
  { name: 'SSLCipherSuite SSL list', text: 'SSLCipherSuite SSL HIGH:!aNULL:!MD5:@STRENGTH\n' },
  { name: 'TLSv1 with the security level lowered', text: vhost('SSLProtocol TLSv1 +TLSv1.1 +TLSv1.2\nSSLCipherSuite DEFAULT@SECLEVEL=0') },
  { name: '-SSLv3 and -SSLv2 are accepted no-ops', text: 'SSLProtocol all -SSLv2 -SSLv3 -TLSv1 -TLSv1.1\n' },
  { name: 'a per-directory SSLCipherSuite (renegotiation, never checked at start-up)', text: vhost('<Location /admin>\n  SSLCipherSuite NOPE\n</Location>') },
  { name: 'name-based vhosts with settings of their own (apx serves them per SNI name, as Apache)', text: vhost('SSLProtocol -all +TLSv1.2 +TLSv1.3') + vhost('SSLProtocol -all +TLSv1.3\nSSLHonorCipherOrder on', '*:443', 'b.example') },
  { name: 'inside a false <IfModule>', text: '<IfModule nosuch_module>\nSSLProtocol +SSLv3\nSSLCipherSuite NOPE\n</IfModule>\n' },
];

describe(ID, () => {
  it.each(FIRE.map((c) => [c.name, c] as const))('fires: %s', (_n, c) => {
    const found = run(c.text);
    expect(found, JSON.stringify(found.map((d) => d.message))).toHaveLength(c.count ?? 1);
    const d = found[0]!;
    expect(d.severity).toBe(c.severity);
    expect(d.message).toMatch(c.message);
    if (typeof c.hint === 'string') expect(d.hint).toBe(c.hint);
    else if (c.hint) expect(d.hint).toMatch(c.hint);
    if (c.line !== undefined) expect(d.span.line).toBe(c.line);
  });

  it.each(QUIET.map((c) => [c.name, c] as const))('stays quiet: %s', (_n, c) => {
    expect(run(c.text).map((d) => `${d.span.line}: ${d.message}`)).toEqual([]);
  });

  it('docs/rules/ssl-protocol-cipher.md: the Bad example fires it, the Good one does not', () => {
    const text = readFileSync(new URL('../../../docs/rules/ssl-protocol-cipher.md', import.meta.url), 'utf8');
    const block = (heading: string): string => /```apache\n([\s\S]*?)```/.exec(text.slice(text.indexOf(heading)))![1]!;
    for (const h of ['## Why', '## Bad', '## Good', '## How Apache behaves']) expect(text).toContain(h);
    expect(run(block('## Bad')).map((d) => d.severity)).toEqual(['warning', 'error']);
    expect(run(block('## Good')).map((d) => d.message)).toEqual([]);
  });
});
