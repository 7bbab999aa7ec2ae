/**
 * Slow clients: RequestReadTimeout / KeepAliveTimeout from a config, mapped onto Node's server deadlines
 * (src/runtime/listeners.ts), and a slowloris of 500 connections against a server built with them.
 */
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { load } from '../../src/config/index.js';
import { compile } from '../../src/model/index.js';
import {
  APACHE_CLIENT_TIMEOUTS,
  clientErrorStatus,
  clientTimeouts,
  serverTimeoutOptions,
  type ClientTimeouts,
} from '../../src/runtime/listeners.js';
import { startProxy, type RunningProxy } from '../../src/runtime/index.js';
import { request, startTextBackend } from '../support/backends.js';

function timeoutsOf(text: string): ClientTimeouts {
  const { model } = compile(load({ file: '/t.conf', text }, { noTreeDetection: true, modules: ['proxy', 'proxy_http', 'reqtimeout'] }));
  if (!model) throw new Error('no model');
  return clientTimeouts(model);
}

describe('RequestReadTimeout / KeepAliveTimeout', () => {
  const configs: [string, string, ClientTimeouts][] = [
    ['none: httpd (Debian) defaults', '<VirtualHost *:80>\nProxyPass / http://127.0.0.1:9/\n</VirtualHost>\n', APACHE_CLIENT_TIMEOUTS],
    [
      'both set, the last RequestReadTimeout wins per stage',
      'RequestReadTimeout header=1 body=9\nRequestReadTimeout body=2\nKeepAliveTimeout 300ms\n<VirtualHost *:80>\nProxyPass / http://127.0.0.1:9/\n</VirtualHost>\n',
      { header: { initial: 1, max: null, minRate: null }, body: { initial: 2, max: null, minRate: null }, keepAliveMs: 300, keepAlive: true, maxKeepAliveRequests: 100 },
    ],
  ];
  it.each(configs)('from the config: %s', (_name, text, expected) => {
    expect(timeoutsOf(text)).toEqual(expected);
  });

  it.each([
    ['defaults: header deadline 20 s, body has MinRate so no overall deadline', APACHE_CLIENT_TIMEOUTS, { headersTimeout: 20_000, requestTimeout: 0, keepAliveTimeout: 5000, connectionsCheckingInterval: 1000, maxRequestsPerSocket: 101 }],
    [
      'fixed body deadline after the head',
      { header: { initial: 1, max: null, minRate: null }, body: { initial: 2, max: null, minRate: null }, keepAliveMs: 300, keepAlive: true, maxKeepAliveRequests: 100 },
      { headersTimeout: 1000, requestTimeout: 3000, keepAliveTimeout: 300, connectionsCheckingInterval: 100, maxRequestsPerSocket: 101 },
    ],
  ] as const)('Node options: %s', (_name, t, expected) => {
    expect(serverTimeoutOptions(t)).toEqual(expected);
  });

  it.each([
    [{ code: 'ERR_HTTP_REQUEST_TIMEOUT' }, 25, 408],
    [{ code: 'ERR_HTTP_REQUEST_TIMEOUT' }, 0, null],
    [{ code: 'HPE_INVALID_METHOD' }, 3, 400],
    [{}, 0, 400],
  ] as const)('clientError %j after %i bytes → %s', (err, bytes, status) => {
    expect(clientErrorStatus(err, bytes)).toBe(status);
  });
});

describe('a slowloris of 500 connections', () => {
  let server: Server | undefined;
  const sockets: Socket[] = [];
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
  });

  it('does not stop normal requests, and each slow connection is closed with a 408 after the header timeout (Node server built with the mapping)', async () => {
    // header=2: long enough that the 20 normal requests cannot lose the race on a busy machine.
    const t = timeoutsOf('RequestReadTimeout header=2\n<VirtualHost *:80>\nProxyPass / http://127.0.0.1:9/\n</VirtualHost>\n');
    expect(serverTimeoutOptions(t).headersTimeout).toBe(2000);
    server = createServer({ ...serverTimeoutOptions(t) }, (_req, res) => res.end('ok'));
    // What apx's clientError handler answers: the status, Connection: close.
    server.on('clientError', (err: Error & { code?: string }, socket) => {
      socket.on('error', () => {});
      if (!socket.writable) return void socket.destroy();
      const status = clientErrorStatus(err, (socket as Socket).bytesRead);
      if (status === null) return void socket.destroy();
      socket.end(`HTTP/1.1 ${status} ${status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    });
    const s = server;
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const r = await slowloris((s.address() as { port: number }).port, 500);
    sockets.push(...r.sockets);
    // Normal requests, on fresh connections, while all 500 hold theirs open: every one is answered before the
    // first slow connection is cut (so none waited for the timeout).
    expect(r.normal).toEqual(Array(20).fill('ok'));
    expect(r.firstClosedBeforeNormalDone).toBe(false);
    expect(r.answers).toHaveLength(500);
    expect(new Set(r.answers.map((a) => a.split('\r\n')[0]))).toEqual(new Set(['HTTP/1.1 408 Request Timeout']));
  }, 20_000);
});

/**
 * `count` connections each dripping a head that never ends (one more header line every 100 ms), then 20 normal
 * requests on fresh connections; resolves once every slow connection is closed, with what each got.
 */
async function slowloris(port: number, count: number): Promise<{ normal: string[]; firstClosedBeforeNormalDone: boolean; answers: string[]; sockets: Socket[] }> {
  const answers: string[] = [];
  const sockets: Socket[] = [];
  let normalDone = false;
  let firstClosedBeforeNormalDone = false;
  const closed: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const sock = connect(port, '127.0.0.1');
    sockets.push(sock);
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
    sock.on('error', () => {});
    sock.write('GET / HTTP/1.1\r\nHost: x\r\n');
    const drip = setInterval(() => sock.writable && sock.write(`X-${i}: a\r\n`), 100);
    closed.push(
      new Promise((resolve) =>
        sock.on('close', () => {
          clearInterval(drip);
          if (!normalDone) firstClosedBeforeNormalDone = true;
          answers.push(got);
          resolve();
        }),
      ),
    );
  }
  const normal: string[] = [];
  for (let i = 0; i < 20; i++) normal.push((await request(`http://127.0.0.1:${port}/`)).body.toString());
  normalDone = true;
  await Promise.all(closed);
  return { normal, firstClosedBeforeNormalDone, answers, sockets };
}

// The same attack against apx itself: its servers are built with serverTimeoutOptions(clientTimeouts(model)).
describe('apx serve under a slowloris', () => {
  let proxy: RunningProxy | undefined;
  afterAll(async () => void (await proxy?.close()));
  it('500 slow connections: normal requests answered, then each slow one gets httpd\'s 408 page', async () => {
    const b = await startTextBackend('ok');
    const { model } = compile(load({ file: '/t.conf', text: `RequestReadTimeout header=2\n<VirtualHost *:80>\nProxyPass / ${b.url}/\n</VirtualHost>\n` }, { noTreeDetection: true, modules: ['proxy', 'proxy_http', 'reqtimeout'] }));
    proxy = await startProxy(model!, { listen: [{ port: null, host: '127.0.0.1', listenPort: 0 }], errorLog: { write: () => true } as unknown as NodeJS.WritableStream });
    const r = await slowloris(proxy.addresses[0]!.port, 500);
    for (const s of r.sockets) s.destroy();
    await b.close();
    expect(r.normal).toEqual(Array(20).fill('ok'));
    expect(r.firstClosedBeforeNormalDone).toBe(false);
    expect(r.answers).toHaveLength(500);
    expect(new Set(r.answers.map((a) => a.split('\r\n')[0]))).toEqual(new Set(['HTTP/1.1 408 Request Timeout']));
    expect(r.answers[0]).toContain('<p>Server timeout waiting for the HTTP request from the client.</p>');
  }, 20_000);
});
