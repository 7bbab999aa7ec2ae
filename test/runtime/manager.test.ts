/**
 * The balancer-manager over plain HTTP: what the page shows, its JSON form, edits guarded by the nonce and the
 * Referer (mod_proxy_balancer.c balancer_handler), changes taking effect for the next request, and the
 * <Location>'s Require lines.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocationHandler } from '../../src/model/types.js';
import { compileRequire } from '../../src/runtime/manager/access.js';
import { parseParams } from '../../src/runtime/manager/edit.js';
import { safeReferer } from '../../src/runtime/manager/index.js';
import { strfsize } from '../../src/runtime/manager/page.js';
import { request, startTextBackend, type Backend } from '../support/backends.js';
import { balancer, closeAll, model, route, serve, server, type Started } from './fixture.js';

let a: Backend;
let b: Backend;
beforeAll(async () => {
  [a, b] = await Promise.all([startTextBackend('A'), startTextBackend('B')]);
});
afterAll(async () => {
  await closeAll();
  await Promise.all([a.close(), b.close()]);
});

const manager = (require: string[][] = [['all', 'granted']], path = '/balancer-manager'): LocationHandler => ({ path, handler: 'balancer-manager', require, span: null });

async function start(require?: string[][], routeA = '<b>"quoted"</b>'): Promise<Started> {
  return serve(
    model({
      mainServer: server({ routes: [route('/app', 'balancer://c')], handlers: [manager(require)] }),
      balancers: [balancer('c', [[a.url, { route: routeA }], [b.url, { route: 'two' }]], { stickySession: 'JSESSIONID' })],
    }),
  );
}

interface Json {
  balancers: { name: string; nonce: string; lbmethod: string; stickySession: string | null; members: { name: string; route: string; loadFactor: number; lbset: number; status: string; elected: number; flags: { disabled: boolean } }[] }[];
}

async function json(p: Started): Promise<Json> {
  return (await request(`${p.url}/balancer-manager?format=json`)).json<Json>();
}

async function seq(p: Started, n: number): Promise<string> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await request(`${p.url}/app/x`);
    out.push(r.status === 200 ? r.text : String(r.status));
  }
  return out.join(' ');
}

function post(p: Started, form: string, referer: string | null = `${p.url}/balancer-manager`) {
  return request(`${p.url}/balancer-manager`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(referer ? { Referer: referer } : {}) },
    body: form,
  });
}

describe('balancer-manager page', () => {
  it('shows each balancer and member with the columns httpd shows, escaped', async () => {
    const p = await start();
    await seq(p, 3);
    const r = await request(`${p.url}/balancer-manager`);
    expect(r.status).toBe(200);
    expect(r.header('content-type')).toBe('text/html; charset=ISO-8859-1');
    const html = r.text;
    expect(html).toContain('<title>Balancer Manager</title>');
    expect(html).toContain('<th>MaxMembers</th><th>StickySession</th><th>DisableFailover</th><th>Timeout</th><th>FailoverAttempts</th><th>Method</th>');
    expect(html).toContain('<td>JSESSIONID</td><td>Off</td>\n<td>0</td><td>1</td>\n<td>byrequests</td>\n<td>/app</td>');
    expect(html).toContain('<th>Worker URL</th><th>Route</th><th>RouteRedir</th><th>Factor</th><th>Set</th><th>Status</th><th>Elected</th><th>Busy</th><th>Load</th><th>To</th><th>From</th>');
    // A: elected twice (A B A), route escaped, factor 1.00, set 0, Init Ok, 0 busy.
    expect(html).toContain(`>${a.url}</a></td><td>&lt;b&gt;&quot;quoted&quot;&lt;/b&gt;</td><td></td><td>1.00</td><td>0</td><td>Init Ok </td><td>2</td><td>0</td>`);
    expect(html).not.toContain('<b>"quoted"</b>');
    expect(html).toContain(`>${b.url}</a></td><td>two</td><td></td><td>1.00</td><td>0</td><td>Init Ok </td><td>1</td><td>0</td>`);
  });

  it('?format=json gives the same facts', async () => {
    const p = await start();
    await seq(p, 3);
    const j = await json(p);
    expect(j.balancers).toHaveLength(1);
    const bal = j.balancers[0]!;
    expect(bal).toMatchObject({ name: 'balancer://c', lbmethod: 'byrequests', stickySession: 'JSESSIONID' });
    expect(bal.nonce).toMatch(/^[0-9a-f-]{36}$/);
    expect(bal.members.map((m) => [m.name, m.route, m.loadFactor, m.status, m.elected])).toEqual([
      [a.url, '<b>"quoted"</b>', 1, 'Init Ok', 2],
      [b.url, 'two', 1, 'Init Ok', 1],
    ]);
  });

  it('a member link shows the edit form with the nonce; a balancer link the balancer form', async () => {
    const p = await start();
    const nonce = (await json(p)).balancers[0]!.nonce;
    const referer = { Referer: `${p.url}/balancer-manager` };
    const w = await request(`${p.url}/balancer-manager?b=c&w=${encodeURIComponent(b.url)}&nonce=${nonce}`, { headers: referer });
    expect(w.text).toContain(`<h3>Edit worker settings for ${b.url}</h3>`);
    expect(w.text).toContain(`<input type=hidden name='nonce' id='nonce' value='${nonce}'>`);
    expect(w.text).toContain("<input name='w_lf' id='w_lf' type=text value='1.00'>");
    const bal = await request(`${p.url}/balancer-manager?b=c&nonce=${nonce}`, { headers: referer });
    expect(bal.text).toContain('<h3>Edit balancer settings for balancer://c</h3>');
    expect(bal.text).toContain("<option value='byrequests' selected >byrequests");
    // Without a Referer the parameters are ignored (AH10187): no form.
    const bare = await request(`${p.url}/balancer-manager?b=c&w=${encodeURIComponent(b.url)}&nonce=${nonce}`);
    expect(bare.text).not.toContain('Edit worker settings');
    expect(p.errors.text).toContain('AH10187: ignoring params in balancer-manager cross-site access');
  });

  it('HEAD is a GET without body; other methods are refused', async () => {
    const p = await start();
    expect((await request(`${p.url}/balancer-manager`, { method: 'HEAD' })).status).toBe(200);
    expect((await request(`${p.url}/balancer-manager`, { method: 'PUT', body: 'x' })).status).toBe(405);
  });
});

describe('balancer-manager edits', () => {
  it('disabling a member with the nonce and a same-host Referer takes effect for the next request', async () => {
    const p = await start();
    expect(await seq(p, 4)).toBe('A B A B');
    const nonce = (await json(p)).balancers[0]!.nonce;
    const r = await post(p, `w_status_D=1&b=c&w=${encodeURIComponent(a.url)}&nonce=${nonce}`);
    expect(r.status).toBe(200);
    expect((await json(p)).balancers[0]!.members[0]).toMatchObject({ status: 'Init Dis', flags: { disabled: true } });
    expect(await seq(p, 4)).toBe('B B B B');
    // Enabling it again resets byrequests' scores (need_reset), so it alternates from the start.
    await post(p, `w_status_D=0&b=c&w=${encodeURIComponent(a.url)}&nonce=${nonce}`);
    expect(await seq(p, 4)).toBe('A B A B');
  });

  it.each([
    ['no nonce', (_n: string) => `w_status_D=1&b=c&w=W`, 'ref'],
    ['a wrong nonce', (n: string) => `w_status_D=1&b=c&w=W&nonce=${n.replace(/^./, (c) => (c === '0' ? '1' : '0'))}`, 'ref'],
    ['no Referer', (n: string) => `w_status_D=1&b=c&w=W&nonce=${n}`, null],
    ['a Referer from another host', (n: string) => `w_status_D=1&b=c&w=W&nonce=${n}`, 'http://evil.example/balancer-manager'],
  ])('an edit with %s changes nothing', async (_label, form, referer) => {
    const p = await start();
    const nonce = (await json(p)).balancers[0]!.nonce;
    const body = form(nonce).replace('w=W', `w=${encodeURIComponent(a.url)}`);
    await post(p, body, referer === 'ref' ? `${p.url}/balancer-manager` : referer);
    expect((await json(p)).balancers[0]!.members[0]!.status).toBe('Init Ok');
    expect(await seq(p, 2)).toBe('A B');
  });

  it('loadfactor, lbset and route edits apply; out-of-range values are ignored', async () => {
    const p = await start();
    const nonce = (await json(p)).balancers[0]!.nonce;
    const w = `b=c&w=${encodeURIComponent(b.url)}&nonce=${nonce}`;
    await post(p, `w_lf=3&w_ls=0&w_wr=newroute&${w}`);
    let m = (await json(p)).balancers[0]!.members[1]!;
    expect([m.loadFactor, m.lbset, m.route]).toEqual([3, 0, 'newroute']);
    // recalc_factors starts every member from its lbfactor: A 100, B 300 → B B A B …
    expect(await seq(p, 8)).toBe('B B A B B B A B');
    await post(p, `w_lf=500&w_ls=100&${w}`);
    m = (await json(p)).balancers[0]!.members[1]!;
    expect([m.loadFactor, m.lbset]).toEqual([3, 0]);
    // lbset 1: B only serves when set 0 (A) has nothing usable.
    await post(p, `w_ls=1&${w}`);
    expect(await seq(p, 3)).toBe('A A A');
    // The new route is the one sticky sessions follow.
    expect((await request(`${p.url}/app/x`, { headers: { Cookie: 'JSESSIONID=abc.newroute' } })).text).toBe('B');
  });

  it('balancer fields: lbmethod, failover attempts, sticky session ("-" deletes)', async () => {
    const p = await start();
    const nonce = (await json(p)).balancers[0]!.nonce;
    await post(p, `b_lbm=bybusyness&b_max=0&b_ss=-&b=c&nonce=${nonce}`);
    const bal = (await json(p)).balancers[0]!;
    expect([bal.lbmethod, bal.stickySession]).toEqual(['bybusyness', null]);
    await post(p, `b_lbm=nosuchmethod&b_ss=S|s&b=c&nonce=${nonce}`);
    const again = (await json(p)).balancers[0]!;
    expect([again.lbmethod, again.stickySession]).toEqual(['bybusyness', 'S|s']);
  });
});

describe('balancer-manager access (Require)', () => {
  it.each([
    [[['all', 'granted']], 200],
    [[['all', 'denied']], 403],
    [[['ip', '127.0.0.1']], 200],
    [[['ip', '127']], 200],
    [[['ip', '10.0.0.0/8', '192.168.1.0/255.255.255.0']], 403],
    [[['ip', '10.0.0.0/8'], ['ip', '127.0.0.0/8']], 200],
    [[['local']], 200],
    [[['host', 'no-such-host.invalid']], 403],
    [[['valid-user']], 403],
    [[['not', 'ip', '10.1.2.3']], 403],
    [[['all', 'granted'], ['expr', 'true']], 403],
    [[], 200],
  ] as [string[][], number][])('Require %j → %i', async (require, status) => {
    const p = await start(require);
    const r = await request(`${p.url}/balancer-manager`);
    expect(r.status).toBe(status);
    if (status === 403) expect(r.text).not.toContain('Balancer Manager');
  });

  it('a Require line apx cannot evaluate is reported at start-up', async () => {
    const p = await start([['valid-user']]);
    expect(p.errors.text).toContain('"Require valid-user" is not evaluated by apx');
  });

  it('below the location is the manager too; beside it is not', async () => {
    const p = await start([['all', 'granted']]);
    expect((await request(`${p.url}/balancer-manager/x`)).text).toContain('Balancer Manager');
    expect((await request(`${p.url}/balancer-managerx`)).status).toBe(404);
  });
});

describe('pieces', () => {
  it.each([
    ['10.1', '10.1.200.3', true],
    ['10.1', '10.2.0.1', false],
    ['10.0.0.0/8', '10.255.1.1', true],
    ['192.168.0.0/255.255.0.0', '192.168.9.9', true],
    ['192.168.0.0/255.255.0.0', '192.169.0.1', false],
    ['::1', '::1', true],
    ['2001:db8::/32', '2001:db8:1::5', true],
    ['2001:db8::/32', '2001:db9::5', false],
    ['127.0.0.1', '::ffff:127.0.0.1', true],
  ])('Require ip %s with client %s → %s', async (net, ip, ok) => {
    expect(await compileRequire([['ip', net]], 'test').check({ clientIp: ip, localIp: '127.0.0.1' })).toBe(ok);
  });

  it('an unreadable address denies and warns', async () => {
    const p = compileRequire([['ip', '300.1.1.1']], 'test');
    expect(p.warnings).toHaveLength(1);
    expect(await p.check({ clientIp: '300.1.1.1', localIp: '127.0.0.1' })).toBe(false);
  });

  it.each([
    [0, '  0 '],
    [972, '972 '],
    [1024, '1.0K'],
    [1536, '1.5K'],
    [20 * 1024, ' 20K'],
    [5 * 1024 * 1024, '5.0M'],
  ])('apr_strfsize(%i) = %j', (n, s) => {
    expect(strfsize(n)).toBe(s);
  });

  it('safe_referer compares the Referer host with the server name', () => {
    expect(safeReferer('http://Proxy.Test:8080/balancer-manager', 'proxy.test')).toBe(true);
    expect(safeReferer('http://other.test/', 'proxy.test')).toBe(false);
    expect(safeReferer('not a url', 'proxy.test')).toBe(false);
    expect(safeReferer(null, 'proxy.test')).toBe(false);
  });

  it('form fields are %-decoded as ap_unescape_url (no + → space)', () => {
    expect([...parseParams('w=http%3A%2F%2Fa&x=1+2&b', null)]).toEqual([
      ['w', 'http://a'],
      ['x', '1+2'],
      ['b', ''],
    ]);
    expect([...parseParams('w=1&w_lf=2', ['w'])]).toEqual([['w', '1']]);
  });
});
