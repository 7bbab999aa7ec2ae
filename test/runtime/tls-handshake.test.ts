/**
 * The runtime side of src/runtime/tls-options.ts: `startProxy` serves each TLS socket with its vhosts' SSLProtocol /
 * SSLCipherSuite / SSLHonorCipherOrder, name-based vhosts with settings of their own get them by SNI routing
 * (src/runtime/tls-sni.ts), a reload swaps them for new handshakes, and settings Apache would not start with are
 * refused with a StartupError at reload, where the running config stays.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from '../../src/runtime/index.js';
import { modelOf } from '../model/helpers.js';
import { selfSigned } from '../support/certs.js';
import { tlsVisit } from '../support/tls.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'apx-tls-hs-'));
  for (const n of ['a', 'b']) selfSigned(dir, n, { cn: `${n}.test` });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const vhost = (name: string, ssl: string): string =>
  `<VirtualHost *:443>\nServerName ${name}.test\nSSLEngine on\nSSLCertificateFile ${join(dir, `${name}.crt`)}\nSSLCertificateKeyFile ${join(dir, `${name}.key`)}\n${ssl}\nProxyPass / http://127.0.0.1:9/\n</VirtualHost>\n`;
const start = (text: string) => startProxy(modelOf('Listen 443\n' + text), { listen: [{ port: 443, host: '127.0.0.1', listenPort: 0 }], accessLog: null, errorLog: new PassThrough().resume() });

function handshake(port: number, version: 'TLSv1.2' | 'TLSv1.3', servername = 'a.test', ciphers?: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false, minVersion: version, maxVersion: version, ...(ciphers ? { ciphers } : {}) }, () => {
      resolve(`${s.getProtocol()} ${s.getCipher().name}`);
      s.destroy();
    });
    s.on('error', () => resolve('fail'));
  });
}

function get(port: number, servername: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/', servername, headers: { Host: servername }, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startProxy: TLS handshake settings', () => {
  it('serves the vhost’s SSLProtocol and cipher order, and a reload changes them for new handshakes', async () => {
    const proxy = await start(vhost('a', 'SSLProtocol -all +TLSv1.3'));
    try {
      const port = proxy.addresses[0]!.port;
      expect(await handshake(port, 'TLSv1.2')).toBe('fail');
      expect(await handshake(port, 'TLSv1.3')).toBe('TLSv1.3 TLS_AES_256_GCM_SHA384');
      await proxy.reload(modelOf('Listen 443\n' + vhost('a', 'SSLProtocol TLSv1.2\nSSLCipherSuite ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-GCM-SHA384\nSSLHonorCipherOrder on')));
      expect(await handshake(port, 'TLSv1.3')).toBe('fail');
      expect(await handshake(port, 'TLSv1.2', 'a.test', 'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-SHA')).toBe('TLSv1.2 ECDHE-ECDSA-AES128-SHA');
      // A reload Apache would not start with is refused; the running settings stay.
      await expect(proxy.reload(modelOf('Listen 443\n' + vhost('a', 'SSLCipherSuite NOPE')))).rejects.toThrow(/selects no cipher/);
      expect(await handshake(port, 'TLSv1.2')).toMatch(/^TLSv1\.2 /);
    } finally {
      await proxy.close();
    }
  });

  it('switches the settings per SNI name, serves requests on routed connections, and a reload can add a group', async () => {
    const proxy = await start('SSLProtocol TLSv1.2\n' + vhost('a', '') + vhost('b', ''));
    try {
      const port = proxy.addresses[0]!.port;
      // Both inherit the main server's settings: one group, no routing.
      expect(await handshake(port, 'TLSv1.3', 'b.test')).toBe('fail');
      await proxy.reload(modelOf('Listen 443\n' + vhost('a', 'SSLProtocol TLSv1.2') + vhost('b', 'SSLProtocol -all +TLSv1.3')));
      expect(await handshake(port, 'TLSv1.3', 'a.test')).toBe('fail');
      expect(await handshake(port, 'TLSv1.2', 'b.test')).toBe('fail');
      expect(await handshake(port, 'TLSv1.3', 'b.test')).toBe('TLSv1.3 TLS_AES_256_GCM_SHA384');
      // A routed connection is an ordinary HTTP connection: the backend (port 9) refuses, so 503 from mod_proxy's page.
      expect(await get(port, 'b.test')).toBe(503);
      expect(await get(port, 'a.test')).toBe(503);
    } finally {
      await proxy.close();
    }
  });

  it('close() ends an idle keep-alive connection on a routed vhost', async () => {
    const proxy = await start(vhost('a', '') + vhost('b', 'SSLHonorCipherOrder on'));
    const port = proxy.addresses[0]!.port;
    const socket = connect({ host: '127.0.0.1', port, servername: 'b.test', rejectUnauthorized: false });
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
    socket.write('GET / HTTP/1.1\r\nHost: b.test\r\n\r\n');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    // close() ends the idle routed connection at once; waiting for it instead would outlast KeepAliveTimeout
    // (5 s) and this test's own timeout.
    await proxy.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  }, 3000);

  // http.Server runs its deadline checks (RequestReadTimeout → 408, src/runtime/listeners.ts) only once it listens;
  // the TLS server of a routed SNI group never listens itself.
  it('applies RequestReadTimeout to a routed connection (408)', async () => {
    const proxy = await start('RequestReadTimeout header=1\n' + vhost('a', '') + vhost('b', 'SSLProtocol -all +TLSv1.3'));
    try {
      const socket = connect({ host: '127.0.0.1', port: proxy.addresses[0]!.port, servername: 'b.test', rejectUnauthorized: false });
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
      expect(socket.getProtocol()).toBe('TLSv1.3');
      socket.write('GET / HTTP/1.1\r\nHost: b.test\r\n');
      const answer = await new Promise<string>((resolve) => {
        let got = '';
        socket.on('data', (c: Buffer) => (got += c.toString('latin1')));
        socket.once('close', () => resolve(got));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await proxy.close();
    }
  });
});

/** A TLS 1.2 connection offering `session` when given, with one HTTP/1.0 request so that the server closes it. */
const resume = (port: number, session: Buffer | undefined, servername = 'a.test') =>
  tlsVisit(port, { version: 'TLSv1.2', session, servername, request: `GET / HTTP/1.0\r\nHost: ${servername}\r\n\r\n` });

// `apx serve --workers N` gives every worker the keys the primary made (src/cli/serve.ts), as mod_ssl's children
// share the keys their parent made: two proxies on their own sockets stand for two workers here.
describe('startProxy: TLS session tickets', () => {
  const withKeys = (ticketKeys?: Buffer) =>
    startProxy(modelOf('Listen 443\n' + vhost('a', '') + vhost('b', 'SSLProtocol -all +TLSv1.2')), {
      listen: [{ port: 443, host: '127.0.0.1', listenPort: 0 }],
      accessLog: null,
      errorLog: new PassThrough().resume(),
      ...(ticketKeys ? { ticketKeys } : {}),
    });

  it('a session from one proxy resumes on another with the same ticketKeys (SNI-routed vhosts too), not with other keys; a reload keeps them', async () => {
    const keys = Buffer.alloc(48, 7);
    const [one, two, other] = await Promise.all([withKeys(keys), withKeys(keys), withKeys()]);
    try {
      const port = (p: typeof one): number => p.addresses[0]!.port;
      for (const name of ['a.test', 'b.test']) {
        const first = await resume(port(one), undefined, name);
        expect(first.reused).toBe(false);
        expect((await resume(port(two), first.session, name)).reused).toBe(true);
        expect((await resume(port(other), first.session, name)).reused).toBe(false);
      }
      const before = await resume(port(one), undefined);
      await one.reload(modelOf('Listen 443\n' + vhost('a', 'SSLHonorCipherOrder on') + vhost('b', 'SSLProtocol -all +TLSv1.2')));
      expect((await resume(port(one), before.session)).reused).toBe(true);
    } finally {
      await Promise.all([one.close(), two.close(), other.close()]);
    }
  });

  it('refuses keys of the wrong size', async () => {
    await expect(withKeys(Buffer.alloc(32))).rejects.toThrow(/48 bytes, not 32/);
  });
});
