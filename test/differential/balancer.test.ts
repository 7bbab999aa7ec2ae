/**
 * mod_proxy_balancer against real Apache 2.4: one apache2.conf with a balancer per behaviour, served by Apache and
 * by apx (`load()` of the very ServerRoot the harness wrote, `compile()`, `startProxy()`), the same text backends
 * (`a`, `b`, `c` answer their own name) behind both. Each row sends the same requests one after the other to both
 * servers and compares which member answered each (or the status when none did).
 *
 * Each row also states what Apache does (`apache`), checked against Apache itself, so the table is a record of
 * its behaviour as well as a comparison. Balancers keep their own state, so rows do not disturb each other; the
 * order of rows is the same on both sides anyway.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apacheAvailable, apacheSkipReason, createServerRoot, disposeAllApache, startApache, type RunningApache } from '../support/apache.js';
import { request, startEchoBackend, startTextBackend, type Backend } from '../support/backends.js';
import { startApxOn } from '../support/apx.js';
import { freePort } from '../support/ports.js';
import type { RunningProxy } from '../../src/runtime/index.js';

const CONFIG = `
<Proxy balancer://even>
    BalancerMember {{A}}
    BalancerMember {{B}}
</Proxy>
<Proxy balancer://three>
    BalancerMember {{A}} loadfactor=3
    BalancerMember {{B}} loadfactor=1
</Proxy>
<Proxy balancer://onetwothree>
    BalancerMember {{A}} loadfactor=1
    BalancerMember {{B}} loadfactor=2
    BalancerMember {{C}} loadfactor=3
</Proxy>
<Proxy balancer://decimal>
    BalancerMember {{A}} loadfactor=1.5
    BalancerMember {{B}} loadfactor=2.25
</Proxy>
<Proxy balancer://standby>
    BalancerMember {{A}}
    BalancerMember {{B}}
    BalancerMember {{C}} status=+H
</Proxy>
<Proxy balancer://standbyused>
    BalancerMember {{DEAD1}}
    BalancerMember {{DEAD2}}
    BalancerMember {{C}} status=+H
</Proxy>
<Proxy balancer://lbset>
    BalancerMember {{A}} lbset=1
    BalancerMember {{B}} lbset=0
    BalancerMember {{C}} lbset=0 loadfactor=2
</Proxy>
<Proxy balancer://lbsetdown>
    BalancerMember {{A}} lbset=1
    BalancerMember {{C}} lbset=1
    BalancerMember {{DEAD1}} lbset=0
</Proxy>
<Proxy balancer://disabled>
    BalancerMember {{A}}
    BalancerMember {{B}} status=+D
    BalancerMember {{C}}
</Proxy>
<Proxy balancer://onedead>
    BalancerMember {{A}}
    BalancerMember {{DEAD1}}
    BalancerMember {{B}} loadfactor=2
</Proxy>
<Proxy balancer://alldead>
    BalancerMember {{DEAD1}}
    BalancerMember {{DEAD2}}
</Proxy>
<Proxy balancer://allstopped>
    BalancerMember {{A}} status=+S
    BalancerMember {{B}} status=+D
</Proxy>
<Proxy balancer://sticky>
    BalancerMember {{A}} route=r1
    BalancerMember {{DEAD1}} route=r3 redirect=r1
    BalancerMember {{B}} route=r2
    ProxySet stickysession=JSESSIONID|jsessionid
</Proxy>
<Proxy balancer://nofail>
    BalancerMember {{DEAD2}} route=r1
    BalancerMember {{A}} route=r2
    ProxySet stickysession=ROUTEID nofailover=On
</Proxy>
<Proxy balancer://busy>
    BalancerMember {{A}}
    BalancerMember {{B}} loadfactor=2
    ProxySet lbmethod=bybusyness
</Proxy>
<Proxy balancer://traffic>
    BalancerMember {{A}}
    BalancerMember {{B}} loadfactor=2
    ProxySet lbmethod=bytraffic
</Proxy>
ProxyPass /even/ balancer://even/
ProxyPass /sticky/ balancer://sticky/
ProxyPass /nofail/ balancer://nofail/
ProxyPass /busy/ balancer://busy/
ProxyPass /traffic/ balancer://traffic/
ProxyPass /three/ balancer://three/
ProxyPass /onetwothree/ balancer://onetwothree/
ProxyPass /decimal/ balancer://decimal/
ProxyPass /standby/ balancer://standby/
ProxyPass /standbyused/ balancer://standbyused/
ProxyPass /lbset/ balancer://lbset/
ProxyPass /lbsetdown/ balancer://lbsetdown/
ProxyPass /disabled/ balancer://disabled/
ProxyPass /onedead/ balancer://onedead/
ProxyPass /alldead/ balancer://alldead/
ProxyPass /allstopped/ balancer://allstopped/
`;

interface Row {
  /** The Apache behaviour compared, in Apache's terms. */
  name: string;
  path: string;
  headers?: Record<string, string>;
  count: number;
  /** What Apache answers: a prefix of the sequence (member names, or the status when no member answered). */
  apache: { prefix?: string[]; only?: string[]; counts?: Record<string, number> };
}

const rows: Row[] = [
  { name: 'byrequests 1:1 alternates a, b from the first request', path: '/even/x', count: 60, apache: { prefix: ['a', 'b', 'a', 'b'], counts: { a: 30, b: 30 } } },
  { name: 'byrequests 3:1 gives a a b a per four requests', path: '/three/x', count: 60, apache: { prefix: ['a', 'a', 'b', 'a'], counts: { a: 45, b: 15 } } },
  { name: 'byrequests 1:2:3 (c b a c b c per six)', path: '/onetwothree/x', count: 60, apache: { prefix: ['c', 'b', 'a', 'c', 'b', 'c'], counts: { a: 10, b: 20, c: 30 } } },
  { name: 'byrequests with decimal loadfactors 1.5:2.25 (lbfactor ×100 in httpd)', path: '/decimal/x', count: 60, apache: { counts: { a: 24, b: 36 } } },
  { name: 'a hot standby (+H) takes nothing while the others are usable', path: '/standby/x', count: 60, apache: { only: ['a', 'b'] } },
  { name: 'a hot standby answers when every other member is dead, with zero client errors', path: '/standbyused/x', count: 60, apache: { only: ['c'] } },
  { name: 'lbset: set 0 is used and set 1 is not while set 0 has a usable member', path: '/lbset/x', count: 60, apache: { only: ['b', 'c'], counts: { b: 20, c: 40 } } },
  { name: 'lbset: a dead set 0 falls through to set 1 within the same request', path: '/lbsetdown/x', count: 60, apache: { only: ['a', 'c'], counts: { a: 30, c: 30 } } },
  { name: 'a disabled member (+D) is never picked', path: '/disabled/x', count: 60, apache: { only: ['a', 'c'], counts: { a: 30, c: 30 } } },
  { name: 'a dead member among live ones: zero client errors, the request fails over', path: '/onedead/x', count: 60, apache: { only: ['a', 'b'] } },
  { name: 'every member dead: 503 on every request', path: '/alldead/x', count: 6, apache: { only: ['503'] } },
  { name: 'every member stopped or disabled: 503', path: '/allstopped/x', count: 3, apache: { only: ['503'] } },
  { name: 'stickysession cookie: the member whose route= follows the separator', path: '/sticky/x', headers: { Cookie: 'JSESSIONID=abc.r2' }, count: 10, apache: { only: ['b'] } },
  { name: 'stickysession path parameter (COOKIE|param form) wins', path: '/sticky/x?jsessionid=abc.r1', headers: { Cookie: 'JSESSIONID=abc.r2' }, count: 10, apache: { only: ['a'] } },
  { name: 'a session on a dead member: failover, then its redirect= member', path: '/sticky/x', headers: { Cookie: 'JSESSIONID=abc.r3' }, count: 10, apache: { only: ['a'] } },
  { name: 'an unknown route: the lbmethod picks', path: '/sticky/x', headers: { Cookie: 'JSESSIONID=abc.zz' }, count: 12, apache: {} },
  { name: 'nofailover=On: a session whose member is dead gets 503', path: '/nofail/x', headers: { Cookie: 'ROUTEID=.r1' }, count: 4, apache: {} },
  { name: 'bybusyness 1:2, one request at a time', path: '/busy/x', count: 30, apache: {} },
  { name: 'bytraffic 1:2, equal responses', path: '/traffic/x', count: 30, apache: {} },
];

async function sequence(base: string, path: string, count: number, headers: Record<string, string> = {}): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = await request(`${base}${path}`, { headers });
    out.push(r.status === 200 ? r.text : String(r.status));
  }
  return out;
}

function tally(seq: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of seq) out[s] = (out[s] ?? 0) + 1;
  return out;
}

describe.skipIf(!apacheAvailable())(`mod_proxy_balancer: apx picks the same members as Apache ${apacheSkipReason()}`, () => {
  let backends: Backend[] = [];
  let httpd: RunningApache;
  let apx: { proxy: RunningProxy; url: string };
  const apxErrors = new PassThrough();
  let apxErrorText = '';
  apxErrors.on('data', (c: Buffer) => (apxErrorText += c.toString()));
  const fromApache = new Map<string, string[]>();

  beforeAll(async () => {
    backends = await Promise.all(['a', 'b', 'c'].map((n) => startTextBackend(n)));
    const [dead1, dead2] = [await freePort(), await freePort()];
    const vars = {
      A: backends[0]!.url,
      B: backends[1]!.url,
      C: backends[2]!.url,
      DEAD1: `http://127.0.0.1:${dead1}`,
      DEAD2: `http://127.0.0.1:${dead2}`,
    };
    const root = await createServerRoot({ modules: ['proxy_http', 'proxy_balancer', 'lbmethod_byrequests', 'lbmethod_bybusyness', 'lbmethod_bytraffic'], config: CONFIG, vars });
    httpd = await startApache(root);
    const { proxy, url } = await startApxOn(root, { errorLog: apxErrors });
    apx = { proxy, url };
  });
  afterAll(async () => {
    await apx?.proxy.close();
    await httpd?.stop();
    await disposeAllApache();
    await Promise.all(backends.map((b) => b.close()));
  });

  for (const row of rows) {
    it(`Apache: ${row.name}`, async () => {
      const seq = await sequence(httpd.url, row.path, row.count, row.headers);
      fromApache.set(row.name, seq);
      // APX_PRINT_SEQUENCES=1 prints what Apache did (for the record in docs/balancer.md).
      if (process.env['APX_PRINT_SEQUENCES']) console.log(`${row.path}: ${seq.join(' ')}`);
      if (row.apache.prefix) expect(seq.slice(0, row.apache.prefix.length)).toEqual(row.apache.prefix);
      if (row.apache.only) expect([...new Set(seq)].sort()).toEqual([...row.apache.only].sort());
      if (row.apache.counts) expect(tally(seq)).toEqual(row.apache.counts);
    });
    it(`apx = Apache: ${row.name}`, async () => {
      const theirs = fromApache.get(row.name);
      expect(theirs, 'the Apache half of this row did not run').toBeDefined();
      const mine = await sequence(apx.url, row.path, row.count, row.headers);
      expect(mine.join(' '), apxErrorText).toBe(theirs!.join(' '));
    });
  }
});

// ───────────────────────────────────────────── balancer-manager ─────────────────────────────────────────────

const MANAGER_CONFIG = `
<Proxy balancer://mgr>
    BalancerMember {{A}} route=r1 loadfactor=2.5
    BalancerMember {{B}} route=r2 redirect=r1
    BalancerMember {{C}} status=+H lbset=1
</Proxy>
<Proxy balancer://flags>
    BalancerMember {{A}} status=+D
    BalancerMember {{B}} status=+S
    BalancerMember {{C}} status=+I
    BalancerMember {{DEAD1}} status=+N
    BalancerMember {{DEAD2}} status=+R
</Proxy>
<Location /balancer-manager>
    SetHandler balancer-manager
    Require ip 127.0.0.1
</Location>
<Location /denied-manager>
    SetHandler balancer-manager
    Require all denied
</Location>
<Location /proxied-manager>
    SetHandler balancer-manager
    Require all granted
</Location>
ProxyPass /mgr/ balancer://mgr/
ProxyPass /flags/ balancer://flags/
ProxyPass /balancer-manager !
ProxyPass /denied-manager !
ProxyPass / balancer://flags/
`;

/** The member rows of a balancer on the manager page: [worker URL, route, redirect, factor, set, status]. */
function memberRows(html: string, balancer: string, names: readonly [string, string][]): string[][] {
  const section = html.split('<hr />').find((s) => s.includes(`balancer://${balancer}</a>`)) ?? '';
  const rows: string[][] = [];
  for (const m of section.matchAll(/<tr>\n<td><a href="[^"]*">([^<]*)<\/a><\/td>((?:<td>[^<]*<\/td>){5})/g)) {
    let url = m[1]!;
    for (const [from, to] of names) url = url.split(from).join(to);
    rows.push([url, ...[...m[2]!.matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]!)]);
  }
  return rows;
}

describe.skipIf(!apacheAvailable())(`balancer-manager: apx shows and edits what Apache does ${apacheSkipReason()}`, () => {
  let backends: Backend[] = [];
  let names: [string, string][] = [];
  let httpd: RunningApache;
  let apx: { proxy: RunningProxy; url: string };
  const sides = (): [string, string][] => [
    ['Apache', httpd.url],
    ['apx', apx.url],
  ];

  beforeAll(async () => {
    backends = await Promise.all(['a', 'b', 'c'].map((n) => startTextBackend(n)));
    const [dead1, dead2] = [await freePort(), await freePort()];
    const vars = { A: backends[0]!.url, B: backends[1]!.url, C: backends[2]!.url, DEAD1: `http://127.0.0.1:${dead1}`, DEAD2: `http://127.0.0.1:${dead2}` };
    names = Object.entries(vars).map(([k, v]) => [v, k]);
    const root = await createServerRoot({ modules: ['proxy_http', 'proxy_balancer', 'lbmethod_byrequests', 'authz_host'], config: MANAGER_CONFIG, vars });
    httpd = await startApache(root);
    const { proxy, url } = await startApxOn(root);
    apx = { proxy, url };
  });
  afterAll(async () => {
    await apx?.proxy.close();
    await httpd?.stop();
    await disposeAllApache();
    await Promise.all(backends.map((b) => b.close()));
  });

  it('the member rows (URL, route, redirect, factor, set, status) are the same', async () => {
    const pages: Record<string, string> = {};
    for (const [side, url] of sides()) {
      const r = await request(`${url}/balancer-manager`);
      expect(r.status, side).toBe(200);
      pages[side] = r.text;
    }
    const apache = ['mgr', 'flags'].map((b) => memberRows(pages['Apache']!, b, names));
    // What Apache 2.4.71 shows, as a record: factors with two decimals, flags in wstat_tbl order then "Ok".
    expect(apache[0]).toEqual([
      ['A', 'r1', '', '2.50', '0', 'Init Ok '],
      ['B', 'r2', 'r1', '1.00', '0', 'Init Ok '],
      ['C', '', '', '1.00', '1', 'Init Stby Ok '],
    ]);
    expect(apache[1]!.map((r) => r[5])).toEqual(['Init Dis ', 'Init Stop ', 'Init Ign Ok ', 'Init Drn Ok ', 'Init Spar Ok ']);
    expect(['mgr', 'flags'].map((b) => memberRows(pages['apx']!, b, names))).toEqual(apache);
  });

  it('Require all denied: 403', async () => {
    for (const [side, url] of sides()) {
      expect((await request(`${url}/denied-manager`)).status, side).toBe(403);
    }
  });

  it('disabling a member (nonce + same-host Referer) stops requests reaching it on both', async () => {
    const out: Record<string, string> = {};
    for (const [side, url] of sides()) {
      const page = (await request(`${url}/balancer-manager`)).text;
      const nonce = new RegExp(`\\?b=mgr&amp;nonce=([0-9a-f-]{36})`).exec(page)?.[1];
      expect(nonce, side).toBeDefined();
      const seq = async (): Promise<string> => (await sequence(url, '/mgr/x', 6)).join(' ');
      const before = await seq();
      // Without the Referer nothing changes.
      const form = `w_status_D=1&b=mgr&w=${encodeURIComponent(backends[0]!.url)}&nonce=${nonce}`;
      const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
      await request(`${url}/balancer-manager`, { method: 'POST', headers, body: form });
      const unchanged = await seq();
      await request(`${url}/balancer-manager`, { method: 'POST', headers: { ...headers, Referer: `${url}/balancer-manager` }, body: form });
      const after = await seq();
      out[side] = `${before} | ${unchanged} | ${after}`;
    }
    expect(out['Apache']).toMatch(/\| [ab ]+ \| b b b b b b$/);
    expect(out['apx']).toBe(out['Apache']);
  });

  it('a ProxyPass that takes the path wins over SetHandler balancer-manager; `ProxyPass … !` gives it back', async () => {
    const got: Record<string, string[]> = {};
    for (const [side, url] of sides()) {
      got[side] = [];
      for (const path of ['/proxied-manager', '/balancer-manager/sub', '/balancer-managerx']) {
        const r = await request(`${url}${path}`);
        got[side]!.push(`${r.status} ${r.text.includes('Load Balancer Manager') ? 'manager' : r.text.trim()}`);
      }
    }
    expect(got['Apache']![0]).toBe('200 c');
    expect(got['Apache']![1]).toBe('200 manager');
    expect(got['apx']).toEqual(got['Apache']);
  });
});

// ───────────────────────────────────────────── mod_proxy_hcheck ─────────────────────────────────────────────

const HCHECK_CONFIG = `
ProxyHCExpr ok23 {%{REQUEST_STATUS} =~ /^[23]/}
ProxyHCTemplate probe hcmethod=GET hcuri=/hc hcinterval=200ms hcpasses=2 hcfails=1 hcexpr=ok23
<Proxy balancer://hc>
    BalancerMember {{A}} hctemplate=probe
    BalancerMember {{B}} hctemplate=probe
</Proxy>
<Location /balancer-manager>
    SetHandler balancer-manager
    Require all granted
</Location>
ProxyPass /hc/ balancer://hc/
`;

describe.skipIf(!apacheAvailable())(`mod_proxy_hcheck: a failing member leaves and rejoins on both ${apacheSkipReason()}`, () => {
  let a: Backend;
  let b: Backend;
  let healthy = false;
  let httpd: RunningApache;
  let apx: { proxy: RunningProxy; url: string };

  beforeAll(async () => {
    a = await startTextBackend('a');
    b = await startEchoBackend({
      name: 'b',
      handler: (req, res) => {
        if (req.url === '/hc') res.writeHead(healthy ? 200 : 503).end();
        else res.end('b');
      },
    });
    const root = await createServerRoot({ modules: ['proxy_http', 'proxy_balancer', 'lbmethod_byrequests', 'proxy_hcheck'], config: HCHECK_CONFIG, vars: { A: a.url, B: b.url } });
    httpd = await startApache(root);
    const { proxy, url } = await startApxOn(root);
    apx = { proxy, url };
  });
  afterAll(async () => {
    await apx?.proxy.close();
    await httpd?.stop();
    await disposeAllApache();
    await Promise.all([a?.close(), b?.close()]);
  });

  /** Poll a side's manager page until member b's status is `want` (the checks run on their own timers). */
  async function waitStatus(url: string, want: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const rows = memberRows((await request(`${url}/balancer-manager`)).text, 'hc', [
        [a.url, 'A'],
        [b.url, 'B'],
      ]);
      if (rows[1]?.[5] === want) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${url}: member b never reached "${want}"`);
  }

  it('b fails its check: "Init HcFl " on the page and no request reaches it; healthy again: back in rotation', async () => {
    const got: Record<string, string[]> = {};
    for (const [side, url] of [
      ['Apache', httpd.url],
      ['apx', apx.url],
    ] as const) {
      healthy = false;
      await waitStatus(url, 'Init HcFl ');
      const out = await sequence(url, '/hc/x', 6);
      healthy = true;
      await waitStatus(url, 'Init Ok ');
      const back = await sequence(url, '/hc/x', 6);
      got[side] = [out.join(' '), [...new Set(back)].sort().join(' ')];
    }
    expect(got['Apache']).toEqual(['a a a a a a', 'a b']);
    expect(got['apx']).toEqual(got['Apache']);
  });

  it('the health-check columns of the page are the same (method, interval, passes, fails, uri, expr)', async () => {
    const cells = async (url: string): Promise<string[]> => {
      const html = (await request(`${url}/balancer-manager`)).text;
      const row = html.split('<tr>\n').find((r) => r.includes(`${b.url}</a>`)) ?? '';
      // After From: HC Method, HC Interval, Passes "n (count)", Fails "n (count)", HC uri, HC Expr.
      return [...row.matchAll(/<td>([^<]*)/g)].map((m) => m[1]!).slice(11).map((c) => c.replace(/\((\d+)\)/, '(n)'));
    };
    const apache = await cells(httpd.url);
    // The member's six HC cells, then hc_show_exprs' table of ProxyHCExpr names and conditions.
    expect(apache).toEqual(['GET', '200ms', '2 (n)', '1 (n)', '/hc', 'ok23', 'ok23', '%{REQUEST_STATUS} =~ /^[23]/']);
    expect(await cells(apx.url)).toEqual(apache);
  });
});
