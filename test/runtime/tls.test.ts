/** SSLEngine on: the listener speaks TLS with the vhost's certificate (SNI picks among vhosts). */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Tls } from '../../src/model/types.js';
import { request, startEchoBackend } from '../support/backends.js';
import { selfSigned as makeSelfSigned } from '../support/certs.js';
import { closeAll, model, route, serve, server, tlsSettings, vhost } from './fixture.js';
import { upgradeRequest } from '../support/websocket.js';

const dir = mkdtempSync(join(tmpdir(), 'apx-tls-'));
afterAll(async () => {
  await closeAll();
  rmSync(dir, { recursive: true, force: true });
});

const selfSigned = (name: string): { cert: string; key: string } => makeSelfSigned(dir, name, { key: 'rsa:2048' });

const tls = (files: { cert: string; key: string }): Tls => tlsSettings({ certificateFile: files.cert, certificateKeyFile: files.key });

function get(url: string, servername: string): Promise<{ status: number; body: string; cn: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: u.hostname, port: u.port, path: u.pathname, servername, rejectUnauthorized: false, headers: { Host: servername }, agent: false },
      (res) => {
        const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate();
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cn: String(cert.subject?.CN ?? '') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('TLS', () => {
  it('proxies to an https backend: SSLProxyVerify none accepts any certificate, require refuses a self-signed one (502)', async () => {
    const files = selfSigned('backend.example');
    const { createServer } = await import('node:https');
    const { readFileSync } = await import('node:fs');
    const be = createServer({ cert: readFileSync(files.cert), key: readFileSync(files.key) }, (req, res) => res.end(`tls ${req.url}`));
    await new Promise<void>((r) => be.listen(0, '127.0.0.1', r));
    const port = (be.address() as { port: number }).port;
    const none = await serve(model({ mainServer: server({ routes: [route('/', `https://127.0.0.1:${port}/`)] }) }));
    expect((await request(`${none.url}/x`)).text).toBe('tls /x');
    const strict = await serve(model({ mainServer: server({ tls: { ...tls(files), engine: false, proxyEngine: true, proxyVerify: 'require' }, routes: [route('/', `https://127.0.0.1:${port}/`)] }) }));
    const r = await request(`${strict.url}/x`);
    expect(r.status).toBe(502);
    expect(r.text).toContain('Error during SSL Handshake with remote server');
    be.closeAllConnections();
    await new Promise((res) => be.close(res));
  });

  it('wss:// tunnels follow the worker’s SSLProxyVerify too: none upgrades, require refuses a self-signed backend', async () => {
    const files = selfSigned('ws-backend.example');
    const { createServer } = await import('node:https');
    const { readFileSync } = await import('node:fs');
    const be = createServer({ cert: readFileSync(files.cert), key: readFileSync(files.key) });
    be.on('upgrade', (_req, sock) => {
      sock.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
      sock.on('data', (d: Buffer) => sock.write(d.toString().toUpperCase()));
    });
    await new Promise<void>((r) => be.listen(0, '127.0.0.1', r));
    const port = (be.address() as { port: number }).port;
    try {
      const none = await serve(model({ mainServer: server({ routes: [route('/ws/', `wss://127.0.0.1:${port}/`)] }) }));
      const ok = await upgradeRequest(none.url, '/ws/chat');
      expect(ok.head).toMatch(/^HTTP\/1\.1 101/);
      expect(ok.echo).toBe('HELLO');
      const strict = await serve(model({ mainServer: server({ tls: { ...tls(files), engine: false, proxyEngine: true, proxyVerify: 'require' }, routes: [route('/ws/', `wss://127.0.0.1:${port}/`)] }) }));
      const refused = await upgradeRequest(strict.url, '/ws/chat');
      expect(refused.head).toMatch(/^HTTP\/1\.1 502/);
    } finally {
      be.closeAllConnections();
      await new Promise((res) => be.close(res));
    }
  });

  it('serves https with each vhost’s certificate by SNI', async () => {
    const echo = await startEchoBackend({ name: 'e' });
    const a = selfSigned('a.example');
    const b = selfSigned('b.example');
    const addr = [{ host: null, port: 443, isDefault: false }];
    const m = model({
      virtualHosts: [
        vhost(0, { serverName: 'a.example', addresses: addr, tls: tls(a), routes: [route('/', `${echo.url}/`)] }),
        vhost(1, { serverName: 'b.example', addresses: addr, tls: tls(b), routes: [route('/', `${echo.url}/b/`)] }),
      ],
      listeners: [{ host: null, port: 443, protocol: 'https', virtualHosts: [0, 1], span: null }],
    });
    const p = await serve(m);
    expect(p.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ra = await get(`${p.url}/x`, 'a.example');
    expect(ra.cn).toBe('a.example');
    expect(JSON.parse(ra.body).url).toBe('/x');
    const rb = await get(`${p.url}/x`, 'b.example');
    expect(rb.cn).toBe('b.example');
    expect(JSON.parse(rb.body).url).toBe('/b/x');
    await echo.close();
  });
});
