/**
 * apx alone against the hostile-request table (test/runtime/hardening-cases.ts, checked against real Apache by
 * test/differential/hardening.test.ts): every status, no connection to a host the config does not name, the
 * process still serving afterwards; plus the Host validator and the limits' edges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRequestHead, DEFAULT_LIMITS, validHost } from '../../src/runtime/limits.js';
import { rawRequest, request, startEchoBackend, startTrap, type Backend, type Trap } from '../support/backends.js';
import { closeAll, model, route, serve, server, type Started } from './fixture.js';
import { HARDENING_CASES } from './hardening-cases.js';

let echo: Backend;
let p: Started;
let trap: Trap;

beforeAll(async () => {
  echo = await startEchoBackend({ name: 'a' });
  trap = await startTrap();
  p = await serve(model({ mainServer: server({ routes: [route('/app', `${echo.url}/`)] }) }));
});
afterAll(async () => {
  await closeAll();
  await echo.close();
  await trap.close();
});

describe('hostile requests', () => {
  it.each(HARDENING_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await rawRequest(p.url, c.bytes.replaceAll('{{TRAP}}', `127.0.0.1:${trap.port}`), { timeoutMs: 5000 });
    expect(r.status).toBe(c.apx?.status ?? c.status);
    if (r.status === 200 && /\/app\//.test(c.bytes)) expect(r.json<{ url: string }>().url).toMatch(/^\//);
  });
  it('never connected to a host the config does not name, and still serves', async () => {
    expect(trap.hits).toBe(0);
    expect((await request(`${p.url}/app/x`)).status).toBe(200);
  });
  it('logs why it refused', async () => {
    await rawRequest(p.url, 'GET /app/x HTTP/1.1\r\nHost: a b\r\n\r\n');
    expect(p.errors.text).toContain('AH00550: Client sent malformed Host header: a b');
  });
});

describe('validHost', () => {
  it.each([
    ['example.com', true],
    ['example.com:8080', true],
    ['Ex_ample-1.com.', true],
    ['[::1]', true],
    ['[::1]:443', true],
    ['', false],
    ['a b', false],
    ['a/b', false],
    ['a\\b', false],
    ['u@a', false],
    ['a..b', false],
    ['a:', false],
    ['a:x', false],
    ['a:70000', false],
    ['[zz]', false],
    ['[::1', false],
    ['[::1]x', false],
  ])('%j → %s', (h, ok) => expect(validHost(h)).toBe(ok));
});

describe('checkRequestHead limits', () => {
  const head = (over: Partial<Parameters<typeof checkRequestHead>[0]> = {}) => ({ method: 'GET', url: '/', httpVersion: '1.1', rawHeaders: ['Host', 'a'], ...over });
  it('applies configured limits', () => {
    const limits = { requestLine: 20, fieldSize: 20, fields: 2 };
    expect(checkRequestHead(head({ url: '/' + 'x'.repeat(7) }), limits)).toBeNull(); // 21 bytes: the +1 slack
    expect(checkRequestHead(head({ url: '/' + 'x'.repeat(8) }), limits)?.status).toBe(414);
    expect(checkRequestHead(head({ rawHeaders: ['Host', 'a', 'X', 'y'.repeat(18)] }), limits)).toBeNull();
    expect(checkRequestHead(head({ rawHeaders: ['Host', 'a', 'X', 'y'.repeat(19)] }), limits)?.status).toBe(400);
    expect(checkRequestHead(head({ rawHeaders: ['Host', 'a', 'X', 'y', 'Z', 'z'] }), limits)?.log).toContain('LimitRequestFields 2');
    expect(checkRequestHead(head({ rawHeaders: ['Host', 'a', 'X', 'y', 'Z', 'z'] }), { ...limits, fields: 0 })).toBeNull();
  });
  it('needs Host from HTTP/1.1 on only', () => {
    expect(checkRequestHead(head({ rawHeaders: [] }), DEFAULT_LIMITS)?.log).toContain('AH00569');
    expect(checkRequestHead(head({ httpVersion: '1.0', rawHeaders: [] }), DEFAULT_LIMITS)).toBeNull();
  });
});

describe('LimitRequest* from the config', () => {
  it('models the directives with inheritance and refuses a negative value', async () => {
    const { modelOf } = await import('../model/helpers.js');
    const m = modelOf('LimitRequestLine 100\nLimitRequestFields 5\n<VirtualHost *:80>\nLimitRequestFieldSize 200\n</VirtualHost>\n<VirtualHost *:81>\nLimitRequestFields 0\n</VirtualHost>\n');
    expect(m.mainServer.limits).toEqual({ requestLine: 100, fieldSize: 8190, fields: 5 });
    expect(m.virtualHosts[0]!.limits).toEqual({ requestLine: 100, fieldSize: 200, fields: 5 });
    expect(m.virtualHosts[1]!.limits).toEqual({ requestLine: 100, fieldSize: 8190, fields: 0 });
    const { compileText } = await import('../model/helpers.js');
    expect(compileText('LimitRequestFields -1\n').diagnostics.map((d) => d.message)).toContain('LimitRequestFields "-1" must be a non-negative integer');
  });

  it('applies the limits of the address default server', async () => {
    const limits = { requestLine: 100, fieldSize: 100, fields: 5 };
    const q = await serve(model({ mainServer: server({ routes: [route('/app', `${echo.url}/`)], limits }) }));
    const fields = (n: number): string => Array.from({ length: n }, (_, i) => `X-${i}: v\r\n`).join('');
    expect((await rawRequest(q.url, `GET /app/x HTTP/1.1\r\nHost: a\r\n${fields(4)}\r\n`)).status).toBe(200);
    expect((await rawRequest(q.url, `GET /app/x HTTP/1.1\r\nHost: a\r\n${fields(5)}\r\n`)).status).toBe(400);
    expect((await rawRequest(q.url, `GET /app/${'x'.repeat(101 - 18)} HTTP/1.1\r\nHost: a\r\n\r\n`)).status).toBe(200);
    expect((await rawRequest(q.url, `GET /app/${'x'.repeat(102 - 18)} HTTP/1.1\r\nHost: a\r\n\r\n`)).status).toBe(414);
    expect((await rawRequest(q.url, `GET /app/x HTTP/1.1\r\nHost: a\r\nX-A: ${'x'.repeat(96)}\r\n\r\n`)).status).toBe(200);
    expect((await rawRequest(q.url, `GET /app/x HTTP/1.1\r\nHost: a\r\nX-A: ${'x'.repeat(97)}\r\n\r\n`)).status).toBe(400);
  });
});
