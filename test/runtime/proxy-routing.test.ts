/** Virtual host selection and routing on real sockets (127.0.0.1, echo backends). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorPage } from '../../src/runtime/errors.js';
import { request, startEchoBackend, type Backend } from '../support/backends.js';
import { closeAll, model, route, serve, server, vhost } from './fixture.js';

let a: Backend;
let b: Backend;
let main: Backend;
beforeAll(async () => {
  [a, b, main] = await Promise.all([startEchoBackend({ name: 'a' }), startEchoBackend({ name: 'b' }), startEchoBackend({ name: 'main' })]);
});
afterAll(async () => {
  await closeAll();
  await Promise.all([a.close(), b.close(), main.close()]);
});

describe('virtual host selection (by address, then Host against ServerName/ServerAlias)', () => {
  const m = () =>
    model({
      mainServer: server({ serverName: 'main.example', routes: [route('/', `${main.url}/`)] }),
      virtualHosts: [
        vhost(0, { serverName: 'a.example', routes: [route('/', `${a.url}/`)], nameBased: true }),
        vhost(1, { serverName: 'b.example', serverAliases: ['*.b.example', 'b?.example'], routes: [route('/', `${b.url}/`)], nameBased: true }),
      ],
    });
  it.each([
    ['a.example', 'a'],
    ['A.EXAMPLE:80', 'a'],
    ['b.example', 'b'],
    ['www.b.example', 'b'],
    ['b2.example', 'b'],
    ['unknown.example', 'a'],
    ['main.example', 'a'],
  ])('Host %s → backend %s', async (host, expected) => {
    const p = await serve(m());
    const r = await request(`${p.url}/x`, { headers: { Host: host } });
    expect(r.json().backend).toBe(expected);
  });

  it('a vhost naming the exact local address wins over `*` ones, whatever the Host', async () => {
    const mm = model({
      virtualHosts: [
        vhost(0, { serverName: 'star.example', routes: [route('/', `${a.url}/`)] }),
        vhost(1, { serverName: 'ip.example', addresses: [{ host: '127.0.0.1', port: 80, isDefault: false }], routes: [route('/', `${b.url}/`)] }),
      ],
    });
    const p = await serve(mm);
    expect((await request(`${p.url}/x`, { headers: { Host: 'star.example' } })).json().backend).toBe('b');
  });

  it('the first vhost answers a request without Host', async () => {
    const p = await serve(m());
    const r = await request(p.url, { rawRequest: 'GET /x HTTP/1.0\r\n\r\n' });
    expect(r.json().backend).toBe('a');
  });

  it('the main server answers when no vhost is on the address', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${main.url}/`)] }) }));
    expect((await request(`${p.url}/x`)).json().backend).toBe('main');
  });

  it('a vhost for another port does not answer', async () => {
    const mm = model({
      mainServer: server({ routes: [route('/', `${main.url}/`)] }),
      virtualHosts: [vhost(0, { addresses: [{ host: null, port: 443, isDefault: false }], routes: [route('/', `${a.url}/`)] })],
      listeners: [{ host: null, port: 80, protocol: null, virtualHosts: [], span: null }],
    });
    const p = await serve(mm);
    expect((await request(`${p.url}/x`)).json().backend).toBe('main');
  });
});

describe('routing', () => {
  const m = () =>
    model({
      mainServer: server({
        routes: [
          route('/api/private', '!'),
          route('/api', `${a.url}/v1`),
          route('^/img/(.*)\\.png$', `${b.url}/images/$1`, { regex: true }),
          route('/root', `${a.url}/`),
        ],
      }),
    });

  it.each([
    ['/api/users?id=1', 'a', '/v1/users?id=1'],
    ['/api', 'a', '/v1'],
    ['/img/cat.png', 'b', '/images/cat'],
    ['/root/x', 'a', '//x'],
    ['/api/%7Ejo', 'a', '/v1/~jo'],
  ])('%s → %s %s', async (path, backend, url) => {
    const p = await serve(m());
    const r = await request(`${p.url}${path}`);
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ backend, url });
  });

  it.each([['/api/private'], ['/api/private/x'], ['/apiary'], ['/nothing']])('%s → 404 with httpd’s page', async (path) => {
    const p = await serve(m());
    const r = await request(`${p.url}${path}`);
    expect(r.status).toBe(404);
    expect(r.text).toBe(errorPage(404).body);
    expect(r.header('content-type')).toBe('text/html; charset=iso-8859-1');
  });

  it('answers 400 for a path above the root and 404 for %2F (AllowEncodedSlashes Off)', async () => {
    const p = await serve(m());
    const up = await request(p.url, { rawRequest: 'GET /../api/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' });
    expect(up.status).toBe(400);
    expect(up.text).toBe(errorPage(400).body);
    const slash = await request(p.url, { rawRequest: 'GET /api/a%2Fb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' });
    expect(slash.status).toBe(404);
  });

  it('AllowEncodedSlashes NoDecode forwards %2F as written', async () => {
    const p = await serve(model({ mainServer: server({ allowEncodedSlashes: 'nodecode', routes: [route('/api', `${a.url}/v1`)] }) }));
    const r = await request(p.url, { rawRequest: 'GET /api/a%2Fb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' });
    expect(r.json().url).toBe('/v1/a%2Fb');
  });

  it('routes an absolute-URI request by its path only, never to its authority (ProxyRequests Off)', async () => {
    const p = await serve(m());
    const before = b.requests.length;
    const r = await request(p.url, { rawRequest: `GET http://${b.hostPort}/api/x?q=1 HTTP/1.1\r\nHost: ignored\r\nConnection: close\r\n\r\n` });
    expect(r.json()).toMatchObject({ backend: 'a', url: '/v1/x?q=1' });
    expect(b.requests.length).toBe(before);
    const miss = await request(p.url, { rawRequest: `GET http://${b.hostPort}/elsewhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n` });
    expect(miss.status).toBe(404);
    expect(b.requests.length).toBe(before);
  });

  it('ProxyRequests On is refused with a warning; routes still apply and nothing is forwarded to a request’s authority', async () => {
    const p = await serve(model({ mainServer: server({ forwardProxy: true, routes: [route('/api', `${a.url}/v1`)] }) }));
    expect(p.errors.text).toContain('ProxyRequests On is not supported');
    const before = b.requests.length;
    const r = await request(p.url, { rawRequest: `GET http://${b.hostPort}/x HTTP/1.1\r\nHost: ${b.hostPort}\r\nConnection: close\r\n\r\n` });
    expect(r.status).toBe(404);
    expect(b.requests.length).toBe(before);
  });

  it('answers `OPTIONS *` itself with 200 (httpd 2.4.71)', async () => {
    const p = await serve(m());
    const r = await request(p.url, { rawRequest: 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' });
    expect(r.status).toBe(200);
    expect(r.body.length).toBe(0);
  });

  it('refuses CONNECT with 405 as httpd does', async () => {
    const p = await serve(m());
    const r = await request(p.url, { rawRequest: `CONNECT ${a.hostPort} HTTP/1.1\r\nHost: ${a.hostPort}\r\n\r\n` });
    expect(r.status).toBe(405);
    expect(r.header('allow')).toBe('POST,OPTIONS,HEAD,GET,TRACE');
    expect(r.text).toBe(errorPage(405, { method: 'CONNECT' }).body);
  });

  it('serves an Upgrade request as a plain one when the route does not upgrade', async () => {
    const p = await serve(m());
    const r = await request(p.url, { rawRequest: 'GET /api/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n' });
    expect(r.status).toBe(200);
    const seen = r.json();
    expect(seen.url).toBe('/v1/ws');
    expect(seen.headers.map(([k]) => k.toLowerCase())).not.toContain('upgrade');
  });
});
