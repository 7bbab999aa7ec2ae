/** Headers both ways, ProxyPassReverse and cookie rewriting, as mod_proxy_http (APACHE-FACTS.md "Headers"). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorPage } from '../../src/runtime/errors.js';
import { headerValue, headerValues, request, startEchoBackend, type Backend } from '../support/backends.js';
import { balancer, closeAll, headerOp, model, reverse, route, serve, server, vhost } from './fixture.js';

let echo: Backend;
beforeAll(async () => {
  echo = await startEchoBackend({ name: 'echo' });
});
afterAll(async () => {
  await closeAll();
  await echo.close();
});

const names = (pairs: [string, string][]): string[] => pairs.map(([k]) => k.toLowerCase());

describe('request headers', () => {
  it('Host is the backend host:port; X-Forwarded-* are appended; hop-by-hop headers are stripped', async () => {
    const p = await serve(model({ mainServer: server({ serverName: 'front.example', routes: [route('/', `${echo.url}/`)] }) }));
    // Raw bytes: node:http would refuse to send a Trailer header itself.
    const r = await request(p.url, {
      rawRequest:
        'GET /x HTTP/1.1\r\nHost: client.example:8443\r\nX-Forwarded-For: 203.0.113.9\r\n' +
        'Connection: close, X-Secret, X-Forwarded-For\r\nX-Secret: hop\r\nKeep-Alive: timeout=5\r\n' +
        'Proxy-Connection: keep-alive\r\nTE: trailers\r\nTrailer: X-T\r\nUpgrade: h2c\r\nX-Kept: yes\r\n\r\n',
    });
    const seen = r.json().headers;
    expect(seen[0]).toEqual(['Host', echo.hostPort]);
    // The client's own X-Forwarded-For went with its Connection header; mod_proxy's is added afterwards.
    expect(headerValue(seen, 'X-Forwarded-For')).toBe('127.0.0.1');
    expect(headerValue(seen, 'X-Forwarded-Host')).toBe('client.example:8443');
    expect(headerValue(seen, 'X-Forwarded-Server')).toBe('front.example');
    expect(headerValue(seen, 'X-Kept')).toBe('yes');
    for (const gone of ['x-secret', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade']) expect(names(seen)).not.toContain(gone);
    // The client's Connection header is hop-by-hop too: what reaches the backend is the proxy's own, if any.
    expect(headerValue(seen, 'Connection') ?? '').not.toMatch(/close|X-Secret/i);
  });

  it('an existing X-Forwarded-For is extended with ", " (the client cannot remove it through Connection)', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)] }) }));
    const r = await request(`${p.url}/x`, { headers: { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Host': 'first' } });
    const seen = r.json().headers;
    expect(headerValue(seen, 'X-Forwarded-For')).toBe('203.0.113.9, 127.0.0.1');
    expect(headerValues(seen, 'X-Forwarded-Host')).toHaveLength(1);
    expect(headerValue(seen, 'X-Forwarded-Host')).toMatch(/^first, 127\.0\.0\.1:\d+$/);
  });

  it('ProxyPreserveHost On sends the client Host; ProxyAddHeaders Off sends no X-Forwarded-*', async () => {
    const p = await serve(model({ mainServer: server({ headers: { preserveHost: true, addHeaders: false }, routes: [route('/', `${echo.url}/`)] }) }));
    const seen = (await request(`${p.url}/x`, { headers: { Host: 'client.example' } })).json().headers;
    expect(headerValue(seen, 'Host')).toBe('client.example');
    expect(names(seen).filter((n) => n.startsWith('x-forwarded'))).toEqual([]);
  });

  it('ProxyVia On adds Via both ways; Block strips the client’s', async () => {
    const on = await serve(model({ mainServer: server({ headers: { via: 'on' }, routes: [route('/', `${echo.url}/`)] }) }));
    const port = new URL(on.url).port;
    const r = await request(`${on.url}/x`, { headers: { Via: '1.0 earlier' } });
    expect(headerValue(r.json().headers, 'Via')).toBe(`1.0 earlier, 1.1 www.example.com:${port}`);
    expect(r.header('via')).toBe(`1.1 www.example.com:${port}`);
    const block = await serve(model({ mainServer: server({ headers: { via: 'block' }, routes: [route('/', `${echo.url}/`)] }) }));
    const rb = await request(`${block.url}/x`, { headers: { Via: '1.0 earlier' } });
    expect(names(rb.json().headers)).not.toContain('via');
    const off = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)] }) }));
    expect(headerValue((await request(`${off.url}/x`, { headers: { Via: '1.0 earlier' } })).json().headers, 'Via')).toBe('1.0 earlier');
  });

  it('Max-Forwards is decremented; at 0 the proxy answers 400 itself', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${echo.url}/`)] }) }));
    expect(headerValue((await request(`${p.url}/x`, { headers: { 'Max-Forwards': '5' } })).json().headers, 'Max-Forwards')).toBe('4');
    const before = echo.requests.length;
    const zero = await request(`${p.url}/x`, { headers: { 'Max-Forwards': '0' } });
    expect(zero.status).toBe(400);
    expect(zero.statusMessage).toBe('Proxy Error');
    expect(zero.text).toBe(errorPage(400, { proxyReason: 'Max-Forwards has reached zero - proxy loop?' }).body);
    expect(echo.requests.length).toBe(before);
    expect(p.errors.text).toContain('AH00898: Max-Forwards has reached zero - proxy loop? returned by /x');
  });

  it('RequestHeader set/unset/append apply before forwarding', async () => {
    const ops = [headerOp('set', 'X-Env', 'prod'), headerOp('unset', 'X-Drop'), headerOp('append', 'X-List', 'two'), headerOp('set', 'X-Cond', '1', { when: 'env=FOO' })];
    const p = await serve(model({ mainServer: server({ headers: { request: ops }, routes: [route('/', `${echo.url}/`)] }) }));
    const seen = (await request(`${p.url}/x`, { headers: { 'X-Drop': 'x', 'X-List': 'one' } })).json().headers;
    expect(headerValue(seen, 'X-Env')).toBe('prod');
    expect(headerValue(seen, 'X-Drop')).toBeUndefined();
    expect(headerValue(seen, 'X-List')).toBe('one, two');
    expect(headerValue(seen, 'X-Cond')).toBeUndefined();
    expect(p.errors.text).toMatch(/does not evaluate "env=FOO"/);
  });
});

describe('response headers', () => {
  it('strips hop-by-hop headers and those the backend’s Connection names; keeps Server and Date', async () => {
    const raw =
      'HTTP/1.1 200 OK\r\nConnection: X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\nProxy-Authenticate: Basic\r\n' +
      'Trailer: X-T\r\nUpgrade: h2c\r\nServer: backend/1.0\r\nDate: Tue, 01 Jan 2030 00:00:00 GMT\r\nX-App: kept\r\nContent-Length: 2\r\n\r\nok';
    const be = await startEchoBackend({ fault: { raw } });
    const p = await serve(model({ mainServer: server({ routes: [route('/', `${be.url}/`)] }) }));
    const r = await request(`${p.url}/x`);
    expect(r.text).toBe('ok');
    for (const gone of ['x-hop', 'keep-alive', 'proxy-authenticate', 'trailer', 'upgrade']) expect(names(r.headers)).not.toContain(gone);
    expect(r.header('server')).toBe('backend/1.0');
    expect(r.header('date')).toBe('Tue, 01 Jan 2030 00:00:00 GMT');
    expect(r.header('x-app')).toBe('kept');
    await be.close();
  });

  it('Header set/unset apply to proxied responses; only `always` ones to error pages', async () => {
    const ops = [headerOp('set', 'X-Frame-Options', 'DENY', { condition: 'onsuccess' }), headerOp('unset', 'X-Powered-By', null, { condition: 'onsuccess' }), headerOp('set', 'X-Always', '1', { condition: 'always' })];
    const be = await startEchoBackend({ body: 'ok', headers: { 'X-Powered-By': 'php' } });
    const p = await serve(model({ mainServer: server({ headers: { response: ops }, routes: [route('/app', `${be.url}/`)] }) }));
    const r = await request(`${p.url}/app/x`);
    expect(r.header('x-frame-options')).toBe('DENY');
    expect(r.header('x-powered-by')).toBeUndefined();
    expect(r.header('x-always')).toBe('1');
    const nf = await request(`${p.url}/nothing`);
    expect(nf.status).toBe(404);
    expect(nf.header('x-frame-options')).toBeUndefined();
    expect(nf.header('x-always')).toBe('1');
    await be.close();
  });
});

describe('ProxyPassReverse', () => {
  it.each([
    ['LOC/foo', 'http://client.example:8080/app/foo'],
    ['LOC', 'http://client.example:8080/app'],
    ['http://elsewhere/foo', 'http://elsewhere/foo'],
    ['/relative', '/relative'],
  ])('Location %s → %s (made absolute from the Host the client used)', async (loc, expected) => {
    const be = await startEchoBackend({ status: 302, body: '', headers: {} });
    be.set({ headers: { Location: loc.replace('LOC', be.url), 'Content-Location': loc.replace('LOC', be.url) } });
    const p = await serve(model({ mainServer: server({ routes: [route('/app', be.url)], reverse: [reverse('/app', be.url)] }) }));
    const r = await request(`${p.url}/app/x`, { headers: { Host: 'client.example:8080' } });
    expect(r.status).toBe(302);
    expect(r.header('location')).toBe(expected);
    expect(r.header('content-location')).toBe(expected);
    await be.close();
  });

  it.each([
    ['a vhost with its own ServerName (no port): no port', 'own.example', null, ''],
    // Its address port is 8080, served here at a free port by --listen: the port it is really reachable on.
    ['a vhost without ServerName: its address port, as served', null, null, ':LOCAL'],
    ['ServerName with a port: that port', 'own.example:8443', null, ':8443'],
  ])('the port of the rewritten URL when the Host has none — %s', async (_n, vhostName, _x, port) => {
    const be = await startEchoBackend({ status: 302, body: '' });
    be.set({ headers: { Location: `${be.url}/next` } });
    const v = vhost(0, { serverName: vhostName ?? 'main.example', addresses: [{ host: null, port: 8080, isDefault: false }], routes: [route('/', `${be.url}/`)], reverse: [reverse('/', `${be.url}/`)] });
    const m = model({ mainServer: server({ serverName: 'main.example' }), virtualHosts: [v], listeners: [{ host: null, port: 8080, protocol: null, virtualHosts: [0], span: null }] });
    const p = await serve(m);
    const r = await request(p.url, { rawRequest: 'GET /x HTTP/1.1\r\nHost: front.example\r\nConnection: close\r\n\r\n' });
    expect(r.header('location')).toBe(`http://front.example${port.replace('LOCAL', new URL(p.url).port)}/next`);
    await be.close();
  });

  it('maps every balancer member URL, case-insensitively, with no double slash under "/"', async () => {
    const be = await startEchoBackend({ status: 301, body: '' });
    be.set({ headers: { Location: `${be.url.toUpperCase()}/next` } });
    const p = await serve(
      model({
        mainServer: server({ routes: [route('/', 'balancer://c1/')], reverse: [reverse('/', 'balancer://c1/')] }),
        balancers: [balancer('c1', [`${be.url}/`])],
      }),
    );
    const r = await request(`${p.url}/x`, { headers: { Host: 'front.example' } });
    expect(r.header('location')).toBe('http://front.example/next');
    await be.close();
  });

  it('rewrites Set-Cookie path= and domain= (whole value), never the cookie’s own name=value', async () => {
    const be = await startEchoBackend({
      body: '',
      headers: { 'Set-Cookie': ['path=/internal/x; Path=/internal/app; Domain=backend.local; HttpOnly', 'b=2; domain=BACKEND.local'] },
    });
    const p = await serve(
      model({
        mainServer: server({
          routes: [route('/', `${be.url}/`)],
          reverse: [
            { kind: 'cookie-path', internal: '/internal', public: '/', span: null },
            { kind: 'cookie-domain', internal: 'backend.local', public: 'www.example.com', span: null },
          ],
        }),
      }),
    );
    const r = await request(`${p.url}/x`);
    expect(headerValues(r.headers, 'set-cookie')).toEqual(['path=/internal/x; Path=/; Domain=www.example.com; HttpOnly', 'b=2; domain=www.example.com']);
    await be.close();
  });
});
