/** WebSocket tunnelling (mod_proxy_http upgrade=, ws:// targets) and what is not tunnelled. */
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canUpgrade } from '../../src/runtime/upgrade.js';
import { freePort } from '../support/ports.js';
import { accessLog, closeAll, model, route, serve, server } from './fixture.js';
import { upgradeRequest } from '../support/websocket.js';

let wsBackend: Server;
let port = 0;
const seen: { url: string; headers: string[] }[] = [];
beforeAll(async () => {
  wsBackend = createServer((req, res) => res.end(`plain ${req.url}`));
  // A minimal upgrade endpoint: answers 101, then echoes bytes upper-cased.
  wsBackend.on('upgrade', (req, socket: Socket) => {
    seen.push({ url: req.url ?? '', headers: req.rawHeaders });
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
    // http.Server sockets allow half-open: end ours when the proxy ends its side.
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((r) => wsBackend.listen(0, '127.0.0.1', r));
  port = (wsBackend.address() as { port: number }).port;
});
afterAll(async () => {
  await closeAll();
  wsBackend.closeAllConnections();
  await new Promise((r) => wsBackend.close(r));
});

describe('WebSocket', () => {
  it('tunnels after the backend’s 101 when the worker has upgrade=websocket', async () => {
    const logs = { errorLog: null, logLevel: null, access: [accessLog('%>s %U%q %f')] };
    const p = await serve(model({ mainServer: server({ logs, routes: [route('/chat', `http://127.0.0.1:${port}/ws`, { worker: { upgrade: 'websocket' } })] }) }));
    const r = await upgradeRequest(p.url, '/chat/room?x=1');
    expect(r.head).toMatch(/^HTTP\/1\.1 101/);
    expect(r.echo).toBe('HELLO');
    const last = seen.at(-1)!;
    expect(last.url).toBe('/ws/room?x=1');
    const h = last.headers.map((x) => x.toLowerCase());
    expect(h).toContain('x-forwarded-for');
    expect(h[h.indexOf('host') + 1]).toBe(`127.0.0.1:${port}`);
    // The access line is written when the tunnel closes.
    while (p.access.lines().length === 0) await new Promise((res) => setTimeout(res, 5));
    expect(p.access.lines()).toEqual([`101 /chat/room?x=1 proxy:http://127.0.0.1:${port}/ws/room?x=1`]);
  });

  it('tunnels for a ws:// target by default', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', `ws://127.0.0.1:${port}/`)] }) }));
    expect((await upgradeRequest(p.url, '/x')).echo).toBe('HELLO');
  });

  it('close() ends open tunnels', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', `ws://127.0.0.1:${port}/`)] }) }));
    const u = new URL(p.url);
    const s = connect(Number(u.port), u.hostname);
    const closed = new Promise((r) => s.on('close', r));
    s.on('error', () => {});
    s.write('GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
    await new Promise((r) => s.once('data', r));
    await p.proxy.close();
    await closed;
  });

  it('serves the request plainly (Upgrade stripped) when the worker may not upgrade', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', `http://127.0.0.1:${port}/`)] }) }));
    const r = await upgradeRequest(p.url, '/x');
    expect(r.head).toMatch(/^HTTP\/1\.1 200/);
    expect(r.echo).toContain('plain /x');
  });

  it('answers 503 when the backend refuses the tunnel connection', async () => {
    const dead = await freePort();
    const p = await serve(model({ mainServer: server({ routes: [route('/', `ws://127.0.0.1:${dead}/`)] }) }));
    const r = await upgradeRequest(p.url, '/x');
    expect(r.head).toMatch(/^HTTP\/1\.1 503/);
  });

  it.each([
    [null, 'http', 'websocket', false],
    [null, 'ws', 'WebSocket', true],
    ['websocket', 'http', 'websocket', true],
    ['*', 'http', 'h2c', true],
    ['websocket', 'http', 'h2c', false],
  ] as const)('canUpgrade(%s, %s, %s) = %s', (w, scheme, req, ok) => {
    expect(canUpgrade(w, scheme, req)).toBe(ok);
  });
});
