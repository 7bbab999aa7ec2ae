/** Backend failures answered as httpd 2.4.71 answers them (APACHE-FACTS.md "Errors"; bodies checked on real httpd). */
import { createServer as createHttpServer, get as getUrl, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { errorPage } from '../../src/runtime/errors.js';
import { request, startEchoBackend } from '../support/backends.js';
import { freePort } from '../support/ports.js';
import { closeAll, model, route, serve, server } from './fixture.js';

afterAll(closeAll);

const READ_ERROR = errorPage(502, { proxyReason: 'Error reading from remote server' });

describe('backend errors', () => {
  it('connection refused → 503 with httpd’s page, logged with route and backend', async () => {
    const dead = await freePort();
    const p = await serve(model({ mainServer: server({ routes: [route('/dead', `http://127.0.0.1:${dead}/`)] }) }));
    const r = await request(`${p.url}/dead/x`);
    expect(r.status).toBe(503);
    expect(r.statusMessage).toBe('Service Unavailable');
    expect(r.text).toBe(errorPage(503).body);
    expect(p.errors.text).toMatch(/\[proxy:error\] \[pid \d+\] \(111\)Connection refused: AH00957: http: attempt to connect to 127\.0\.0\.1:\d+/);
    expect(p.errors.text).toContain(`AH01114: HTTP: failed to make connection to backend: 127.0.0.1 (route ProxyPass /dead http://127.0.0.1:${dead}/)`);
  });

  it('a direct worker is tried again by the next request (no retry lock-out outside balancers)', async () => {
    const be = await startEchoBackend({ body: 'up' });
    const port = be.port;
    await be.close();
    const p = await serve(model({ mainServer: server({ routes: [route('/', `http://127.0.0.1:${port}/`)] }) }));
    expect((await request(`${p.url}/x`)).status).toBe(503);
    const { createServer } = await import('node:http');
    const srv = createServer((_q, s) => s.end('back')).listen(port, '127.0.0.1');
    await new Promise((r) => srv.once('listening', r));
    const again = await request(`${p.url}/x`);
    expect(again.text).toBe('back');
    await new Promise((r) => srv.close(r));
  });

  it('backend timeout (worker timeout) → 502 "Error reading from remote server"', async () => {
    const slow = await startEchoBackend({ delayMs: 5000 });
    const p = await serve(model({ mainServer: server({ routes: [route('/slow', `${slow.url}/`, { worker: { timeout: 1 } })] }) }));
    const r = await request(`${p.url}/slow/x`);
    expect(r.status).toBe(502);
    expect(r.statusMessage).toBe('Proxy Error');
    expect(r.text).toBe(READ_ERROR.body);
    expect(p.errors.text).toMatch(/\(70007\)The timeout specified has expired: \[client 127\.0\.0\.1:\d+\] AH01102: error reading status line from remote server/);
    await slow.close();
  });

  it.each([
    ['closes without answering', 'close' as const],
    ['resets the connection', 'reset' as const],
    ['answers garbage', { raw: 'garbage\r\n\r\n' }],
  ])('backend %s → 502', async (_name, fault) => {
    const be = await startEchoBackend({ fault });
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${be.url}/`)] }) }));
    const r = await request(`${p.url}/x`);
    expect(r.status).toBe(502);
    expect(r.text).toBe(READ_ERROR.body);
    expect(p.errors.text).toContain('AH00898: Error reading from remote server returned by /x');
    await be.close();
  });

  it.each([
    ['a header without colon', 'HTTP/1.1 200 OK\r\nBroken header\r\nContent-Length: 0\r\n\r\n'],
    ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nxx'],
  ])('backend sends %s → plain 502 Bad Gateway (AH01106), as httpd 2.4.71', async (_name, raw) => {
    const be = await startEchoBackend({ fault: { raw } });
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${be.url}/`)] }) }));
    const r = await request(`${p.url}/x`);
    expect(r.status).toBe(502);
    expect(r.statusMessage).toBe('Bad Gateway');
    expect(r.text).toBe(errorPage(502).body);
    expect(p.errors.text).toContain('AH01106: bad HTTP/1.1 header returned by /x (GET)');
    await be.close();
  });

  it('a backend dying mid-body aborts the client connection', async () => {
    const be = await startEchoBackend({ body: 'x'.repeat(100_000), fault: 'reset-mid-body' });
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${be.url}/`)] }) }));
    await expect(request(`${p.url}/x`)).rejects.toThrow();
    // Once: the backend response's 'aborted', 'error' and 'close' all report the same failure.
    expect(p.errors.text.match(/AH01110/g)).toHaveLength(1);
    await be.close();
  });

  it('a large body follows the client\'s pace: the backend is held back while the client does not read', async () => {
    const CHUNK = Buffer.alloc(64 * 1024, 'y');
    const TOTAL_CHUNKS = 512; // 32 MB
    let produced = 0;
    const be = createHttpServer((_req, res) => {
      res.writeHead(200, { 'Content-Length': String(CHUNK.length * TOTAL_CHUNKS) });
      const more = (): void => {
        while (produced < TOTAL_CHUNKS) {
          produced++;
          if (!res.write(CHUNK)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    await new Promise<void>((resolve) => be.listen(0, '127.0.0.1', resolve));
    const port = (be.address() as AddressInfo).port;
    const p = await serve(model({ mainServer: server({ routes: [route('/', `http://127.0.0.1:${port}/`)] }) }));
    const res = await new Promise<IncomingMessage>((resolve, reject) => getUrl(`${p.url}/big`, resolve).on('error', reject));
    res.pause();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Socket buffers and the streams' high-water marks hold a few MB at most, never the 32 MB body.
    const whilePaused = produced;
    expect(whilePaused).toBeLessThan(TOTAL_CHUNKS / 2);
    let received = 0;
    res.on('data', (c: Buffer) => (received += c.length));
    res.resume();
    await new Promise((resolve) => res.once('end', resolve));
    expect(received).toBe(CHUNK.length * TOTAL_CHUNKS);
    expect(produced).toBe(TOTAL_CHUNKS);
    await new Promise((resolve) => be.close(resolve));
  });

  it('a client that goes away mid-request cancels the backend request; the proxy carries on', async () => {
    const slow = await startEchoBackend({ delayMs: 5000 });
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${slow.url}/`)] }) }));
    const { connect } = await import('node:net');
    const u = new URL(p.url);
    const s = connect(Number(u.port), u.hostname);
    s.write('GET /x HTTP/1.1\r\nHost: h\r\n\r\n');
    while (slow.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const backendConnections = slow.connections();
    s.destroy();
    slow.set({ delayMs: 0 });
    // The next request gets an answer (on a new backend connection: the first one was torn down with the client).
    expect((await request(`${p.url}/y`)).json().url).toBe('/y');
    expect(slow.connections()).toBe(backendConnections + 1);
    expect(p.errors.text).not.toContain('internal error');
    await slow.close();
  });

  it('an unknown scheme is a 500 (no protocol handler)', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', 'fcgi://127.0.0.1:9000/')] }) }));
    const r = await request(`${p.url}/x`);
    expect(r.status).toBe(500);
    expect(r.text).toBe(errorPage(500).body);
  });

  it('`ProxyPass /app2/ http://b:8080` + /app2/x → 500 DNS lookup failure for b:8080x', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/app2/', 'http://127.0.0.1:8080')] }) }));
    const r = await request(`${p.url}/app2/x`);
    expect(r.status).toBe(500);
    expect(r.statusMessage).toBe('Proxy Error');
    expect(r.text).toBe(errorPage(500, { proxyReason: 'DNS lookup failure for: 127.0.0.1:8080x' }).body);
  });
});

describe('error pages', () => {
  it('match httpd 2.4.71 byte for byte', () => {
    // Captured from Debian's apache2 2.4.71 (ServerSignature Off).
    expect(errorPage(503).body).toBe(
      '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n<html><head>\n<title>503 Service Unavailable</title>\n</head><body>\n<h1>Service Unavailable</h1>\n<p>The server is temporarily unable to service your\nrequest due to maintenance downtime or capacity\nproblems. Please try again later.</p>\n</body></html>\n',
    );
    expect(READ_ERROR.body).toBe(
      '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n<html><head>\n<title>502 Proxy Error</title>\n</head><body>\n<h1>Proxy Error</h1>\n<p>The proxy server received an invalid\nresponse from an upstream server.<br />\nThe proxy server could not handle the request<p>Reason: <strong>Error reading from remote server</strong></p></p>\n</body></html>\n',
    );
    expect(errorPage(404).body.length).toBe(236);
    expect(errorPage(400).body.length).toBe(266);
    expect(errorPage(405, { method: 'CONNECT' }).body.length).toBe(264);
  });
});
