/**
 * The TLS fields added for SSLProtocol/SSLCipherSuite mapping (src/runtime/tls-options.ts): how compile fills them
 * (mod_ssl ssl_cmd_SSLCipherSuite: one argument, or `SSL list` / `TLSv1.3 list`, compared case-sensitively), how
 * they merge from the main server (cfgMerge, field by field), and that model → config text → model round-trips.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../src/build/index.js';
import { comparable, compileText, modelOf } from './helpers.js';

const vhost = (body: string): string => `<VirtualHost *:443>\nServerName s.example\nSSLEngine on\nSSLCertificateFile /c.pem\nSSLCertificateKeyFile /k.pem\n${body}\n</VirtualHost>\n`;

describe('compile: SSLCipherSuite forms, SSLHonorCipherOrder, SSLProxyProtocol, SSLProxyCipherSuite', () => {
  it.each([
    ['SSLCipherSuite HIGH:!aNULL', { cipherSuite: 'HIGH:!aNULL', tls13CipherSuite: null }],
    ['SSLCipherSuite SSL HIGH:!aNULL', { cipherSuite: 'HIGH:!aNULL', tls13CipherSuite: null }],
    ['SSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256', { cipherSuite: null, tls13CipherSuite: 'TLS_AES_128_GCM_SHA256' }],
    ['SSLCipherSuite HIGH\nSSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256', { cipherSuite: 'HIGH', tls13CipherSuite: 'TLS_AES_128_GCM_SHA256' }],
    ['SSLHonorCipherOrder on', { honorCipherOrder: true }],
    ['SSLHonorCipherOrder Off', { honorCipherOrder: false }],
    ['SSLProxyProtocol -all +TLSv1.2', { proxyProtocol: '-all +TLSv1.2' }],
    ['SSLProxyCipherSuite ECDHE+AESGCM', { proxyCipherSuite: 'ECDHE+AESGCM', proxyTls13CipherSuite: null }],
    ['SSLProxyCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384', { proxyCipherSuite: null, proxyTls13CipherSuite: 'TLS_AES_256_GCM_SHA384' }],
  ] as const)('%j', (lines, want) => {
    const r = compileText(vhost(lines));
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.model!.virtualHosts[0]!.tls).toMatchObject(want);
  });

  it.each(['SSLCipherSuite HIGH !aNULL', 'SSLCipherSuite tlsv1.3 TLS_AES_128_GCM_SHA256', 'SSLProxyCipherSuite ssl HIGH'])('%j: "protocol \'x\' not supported", as Apache', (line) => {
    const r = compileText(vhost(line));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([expect.stringMatching(/protocol '\w+(\.\d)?' not supported/)]);
  });

  it('merges each field from the main server separately', () => {
    const m = modelOf('SSLCipherSuite HIGH\nSSLHonorCipherOrder on\nSSLProxyProtocol TLSv1.3\n' + vhost('SSLCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256'));
    expect(m.virtualHosts[0]!.tls).toMatchObject({ cipherSuite: 'HIGH', tls13CipherSuite: 'TLS_AES_128_GCM_SHA256', honorCipherOrder: true, proxyProtocol: 'TLSv1.3' });
    expect(modelOf(vhost('')).virtualHosts[0]!.tls).toMatchObject({ tls13CipherSuite: null, honorCipherOrder: null, proxyProtocol: null, proxyCipherSuite: null, proxyTls13CipherSuite: null });
  });

  it.each([
    vhost('SSLProtocol -all +TLSv1.2 +TLSv1.3\nSSLCipherSuite HIGH:!aNULL\nSSLCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384\nSSLHonorCipherOrder on\nSSLProxyEngine on\nSSLProxyProtocol TLSv1.2\nSSLProxyCipherSuite "ECDHE+AESGCM !aNULL"\nSSLProxyCipherSuite TLSv1.3 TLS_AES_128_GCM_SHA256\nProxyPass / https://b/'),
    'SSLHonorCipherOrder off\nSSLCipherSuite TLSv1.3 TLS_CHACHA20_POLY1305_SHA256\n' + vhost('SSLHonorCipherOrder on'),
  ])('round-trips through config text: %j', (text) => {
    const r = compileText(text);
    const built = buildConfig(r.model!);
    const again = compileText(built);
    expect(again.diagnostics.filter((d) => d.severity === 'error'), built).toEqual([]);
    expect(comparable(again.model!), built).toEqual(comparable(r.model!));
  });

  it('writes a model from before these fields existed without them', () => {
    const m = modelOf(vhost('SSLProtocol TLSv1.2'));
    const tls = m.virtualHosts[0]!.tls!;
    for (const k of ['tls13CipherSuite', 'honorCipherOrder', 'proxyProtocol', 'proxyCipherSuite', 'proxyTls13CipherSuite'] as const) delete tls[k];
    expect(buildConfig(m)).not.toMatch(/undefined|SSLHonorCipherOrder|SSLProxyProtocol|SSLProxyCipherSuite|TLSv1\.3/);
  });
});
