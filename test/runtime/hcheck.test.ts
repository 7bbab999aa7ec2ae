/**
 * mod_proxy_hcheck: ProxyHCExpr conditions, and members leaving and rejoining rotation on real sockets without a
 * client seeing an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { parseHcExpr } from '../../src/runtime/hcheck/expr.js';
import { parseInterval } from '../../src/runtime/hcheck/index.js';
import { StartupError } from '../../src/runtime/index.js';
import { freePort } from '../support/ports.js';
import { request, startEchoBackend, startTextBackend, type Backend } from '../support/backends.js';
import { balancer, closeAll, model, route, serve, server, type Started } from './fixture.js';

describe('ProxyHCExpr subset', () => {
  it.each([
    ['{%{REQUEST_STATUS} =~ /^[234]/}', 200, '', true],
    ['{%{REQUEST_STATUS} =~ /^[234]/}', 404, '', true],
    ['{%{REQUEST_STATUS} =~ /^[234]/}', 503, '', false],
    ['{%{REQUEST_STATUS} !~ /^5/}', 503, '', false],
    ['{%{REQUEST_STATUS} -eq 200}', 200, '', true],
    ['{%{REQUEST_STATUS} -lt 400}', 404, '', false],
    ['{%{REQUEST_STATUS} == \'204\'}', 204, '', true],
    ["{hc('body') !~ /Under maintenance/}", 200, 'ok', true],
    ["{hc('body') !~ /Under maintenance/}", 200, '<h1>Under maintenance</h1>', false],
    ["{%{REQUEST_STATUS} =~ /^2/ && hc('body') =~ m#ready#i}", 200, 'READY', true],
    ["{%{REQUEST_STATUS} =~ /^2/ && hc('body') =~ m#ready#i}", 500, 'READY', false],
    ['{!(%{REQUEST_STATUS} >= 500) || false}', 302, '', true],
    ['{true}', 500, '', true],
  ])('%s with status %i and body %j → %s', (expr, status, body, expected) => {
    expect(parseHcExpr(expr)({ status, body })).toBe(expected);
  });

  it.each(['{%{REMOTE_ADDR} =~ /x/}', '{%{REQUEST_STATUS} -in {200}}', '{%{REQUEST_STATUS} =~ /(/}', '{%{REQUEST_STATUS}'])('%s is refused with the reason', (expr) => {
    expect(() => parseHcExpr(expr)).toThrow(/in \{/);
  });

  it.each([
    ['30', 30_000],
    ['500ms', 500],
    ['2s', 2000],
    ['1mi', 60_000],
    ['x', null],
  ])('hcinterval=%s → %s ms', (text, ms) => {
    expect(parseInterval(text)).toBe(ms);
  });
});


/** Poll the manager's JSON until `done` holds (no fixed sleeps: the checks run on their own timers). */
async function until(p: Started, done: (statuses: string[]) => boolean): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const j = (await request(`${p.url}/balancer-manager?format=json`)).json<{ balancers: { members: { status: string }[] }[] }>();
    const statuses = j.balancers[0]!.members.map((m) => m.status);
    if (done(statuses)) return statuses;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('health state never reached');
}

describe('health checks on real sockets', () => {
  let a: Backend;
  let b: Backend;
  let healthy = false;
  beforeAll(async () => {
    a = await startTextBackend('A');
    b = await startEchoBackend({
      name: 'B',
      handler: (req, res: ServerResponse) => {
        if (req.url === '/hc') res.writeHead(healthy ? 200 : 503).end(healthy ? 'fine' : 'down');
        else res.end('B');
      },
    });
  });
  afterAll(async () => {
    await closeAll();
    await Promise.all([a.close(), b.close()]);
  });

  const hc = { hcmethod: 'GET', hcuri: '/hc', hcinterval: '100ms', hcpasses: '2', hcfails: '1', hcexpr: 'ok' };

  async function start(other: Record<string, string> = hc, members?: string[]): Promise<Started> {
    const m = model({
      mainServer: server({
        routes: [route('/app', 'balancer://c')],
        handlers: [{ path: '/balancer-manager', handler: 'balancer-manager', require: [['all', 'granted']], span: null }],
      }),
      balancers: [balancer('c', (members ?? [a.url, b.url]).map((u) => [u, { other }] as [string, { other: Record<string, string> }]))],
    });
    m.mainServer.healthChecks = {
      expressions: [{ name: 'ok', expr: '%{REQUEST_STATUS} =~ /^[23]/', span: null }],
      templates: [{ name: 'tcp', params: { hcmethod: 'TCP', hcinterval: '100ms' }, span: null }],
    };
    return serve(m);
  }

  async function seq(p: Started, n: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await request(`${p.url}/app/x`);
      out.push(r.status === 200 ? r.text : String(r.status));
    }
    return out;
  }

  it('a member failing its check leaves rotation and rejoins after hcpasses passes, with no client errors', async () => {
    healthy = false;
    const p = await start();
    expect(await until(p, (s) => s[1] === 'Init HcFl')).toEqual(['Init Ok', 'Init HcFl']);
    expect(p.errors.text).toContain(`${b.url} fails its health check (status 503, hcexpr ok fails): out of rotation`);
    expect(new Set(await seq(p, 10))).toEqual(new Set(['A']));
    const page = (await request(`${p.url}/balancer-manager`)).text;
    expect(page).toContain('<th>HC Method</th><th>HC Interval</th><th>Passes</th><th>Fails</th><th>HC uri</th><th>HC Expr</th>');
    expect(page).toContain('<td>GET</td><td>100ms</td>');
    healthy = true;
    await until(p, (s) => s[1] === 'Init Ok');
    const after = await seq(p, 10);
    expect(after).toContain('B');
    expect(after.every((t) => t === 'A' || t === 'B')).toBe(true);
  });

  it('hctemplate with hcmethod=TCP takes a dead member out before any request is sent to it', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const p = await start({ hctemplate: 'tcp' }, [a.url, dead]);
    await until(p, (s) => s[1] === 'Init HcFl');
    expect(new Set(await seq(p, 6))).toEqual(new Set(['A']));
    expect(p.errors.text).not.toContain('AH00957');
  });

  it('the manager can take a member out by its C flag', async () => {
    healthy = true;
    const p = await start();
    const j = (await request(`${p.url}/balancer-manager?format=json`)).json<{ balancers: { nonce: string }[] }>();
    await request(`${p.url}/balancer-manager`, {
      method: 'POST',
      headers: { Referer: `${p.url}/balancer-manager`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `w_status_C=1&w_hi=5000&b=c&w=${encodeURIComponent(a.url)}&nonce=${j.balancers[0]!.nonce}`,
    });
    expect(new Set(await seq(p, 4))).toEqual(new Set(['B']));
  });

  it('the member form has the health-check fields, and they can be edited', async () => {
    healthy = true;
    const p = await start();
    const nonce = (await request(`${p.url}/balancer-manager?format=json`)).json<{ balancers: { nonce: string }[] }>().balancers[0]!.nonce;
    const referer = `${p.url}/balancer-manager`;
    const w = `b=c&w=${encodeURIComponent(b.url)}&nonce=${nonce}`;
    const form = (await request(`${p.url}/balancer-manager?${w}`, { headers: { Referer: referer } })).text;
    expect(form).toContain("<option value='GET' selected >GET</option>");
    expect(form).toContain("<option value='ok' selected >ok</option>");
    expect(form).toContain("<input name='w_hi' id='w_hi' type='text'value='100'>");
    await request(`${p.url}/balancer-manager`, {
      method: 'POST',
      headers: { Referer: referer, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `w_hp=3&w_hf=4&w_hi=250&w_hu=/ready&w_hm=HEAD&w_he=&${w}`,
    });
    const j = (await request(`${p.url}/balancer-manager?format=json`)).json<{ balancers: { members: { healthCheck: unknown }[] }[] }>();
    expect(j.balancers[0]!.members[1]!.healthCheck).toMatchObject({ method: 'HEAD', intervalMs: 250, passes: 3, fails: 4, uri: '/ready', expr: '' });
  });

  it('close() stops the probes', async () => {
    // A backend of its own: the other tests' proxies are still probing B.
    const c = await startEchoBackend({ name: 'C', handler: (_req, res: ServerResponse) => void res.end('fine') });
    const p = await start(hc, [a.url, c.url]);
    const probes = (): number => c.requests.filter((r) => r.url === '/hc').length;
    await until(p, () => probes() > 0);
    await p.proxy.close();
    const seen = probes();
    await new Promise((r) => setTimeout(r, 350));
    // At most the one probe that was already on the wire when close() ran.
    expect(probes()).toBeLessThanOrEqual(seen + 1);
    const settled = probes();
    await new Promise((r) => setTimeout(r, 350));
    expect(probes()).toBe(settled);
    await c.close();
  });

  it.each([
    [{ hcmethod: 'POST' }, /unknown hcmethod=POST/],
    [{ hcmethod: 'GET', hcexpr: 'nope' }, /hcexpr=nope names no ProxyHCExpr/],
    [{ hctemplate: 'nope' }, /hctemplate=nope names no ProxyHCTemplate/],
    [{ hcmethod: 'GET', hcinterval: '10ms' }, /hcinterval=10ms/],
  ])('%j is a start-up error', async (other, message) => {
    const err = await start(other).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(message);
  });
});
