/** balancer:// on real sockets: pick order, failover, all members down. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorPage } from '../../src/runtime/errors.js';
import { request, startEchoBackend, startTextBackend, type Backend } from '../support/backends.js';
import { freePort } from '../support/ports.js';
import { balancer, closeAll, model, route, serve, server } from './fixture.js';

let a: Backend;
let b: Backend;
beforeAll(async () => {
  [a, b] = await Promise.all([startTextBackend('A'), startTextBackend('B')]);
});
afterAll(async () => {
  await closeAll();
  await Promise.all([a.close(), b.close()]);
});

async function sequence(url: string, n: number): Promise<string> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await request(url);
    out.push(r.status === 200 ? r.text : String(r.status));
  }
  return out.join(' ');
}

describe('balancer', () => {
  it('alternates between equal members (the tutorial demo)', async () => {
    const p = await serve(model({ mainServer: server({ routes: [route('/', 'balancer://mycluster/')] }), balancers: [balancer('mycluster', [`${a.url}/`, `${b.url}/`])] }));
    expect(await sequence(`${p.url}/`, 6)).toBe('A B A B A B');
    expect(a.requests.at(-1)?.url).toBe('//');
  });

  it('fails over from a refused member within the same request; the order matches httpd 2.4.71', async () => {
    // Observed on Apache 2.4.71 with this balancer (dead, A, B loadfactor=2): B A B B A B B A B, and AH00959.
    const dead = await freePort();
    const p = await serve(
      model({
        mainServer: server({ routes: [route('/bal', 'balancer://c')] }),
        balancers: [balancer('c', [`http://127.0.0.1:${dead}`, a.url, [b.url, { loadFactor: 2 }]])],
      }),
    );
    expect(await sequence(`${p.url}/bal/x`, 9)).toBe('B A B B A B B A B');
    expect(p.errors.text).toContain(`AH00959: ap_proxy_connect_backend disabling worker for (127.0.0.1:${dead}) for 60s`);
    expect(p.errors.lines().filter((l) => l.includes('AH00957'))).toHaveLength(1);
  });

  it('all members down → 503; maxattempts bounds the failover', async () => {
    const [d1, d2] = [await freePort(), await freePort()];
    const p = await serve(
      model({
        mainServer: server({ routes: [route('/', 'balancer://c/')] }),
        balancers: [balancer('c', [`http://127.0.0.1:${d1}/`, `http://127.0.0.1:${d2}/`])],
      }),
    );
    const r = await request(`${p.url}/x`);
    expect(r.status).toBe(503);
    expect(r.text).toBe(errorPage(503).body);
    expect(p.errors.lines().filter((l) => l.includes('AH00957'))).toHaveLength(2);

    const once = await serve(
      model({
        mainServer: server({ routes: [route('/', 'balancer://c/')] }),
        balancers: [balancer('c', [`http://127.0.0.1:${d1}/`, `${a.url}/`], { maxAttempts: 0 })],
      }),
    );
    expect((await request(`${once.url}/x`)).status).toBe(503);
    expect((await request(`${once.url}/x`)).text).toBe('A');
  });

  it('sticky sessions follow the route in the cookie or path; a dead member fails over, or 503 with nofailover (as httpd 2.4.71)', async () => {
    const dead = await freePort();
    const mk = (name: string, first: string, over: Parameters<typeof balancer>[2] = {}) =>
      balancer(name, [[first, { route: 'a1' }], [b.url, { route: 'b1' }]], { stickySession: 'JSESSIONID|jsessionid', ...over });
    const p = await serve(
      model({
        mainServer: server({ routes: [route('/c', 'balancer://c'), route('/d', 'balancer://d'), route('/e', 'balancer://e')] }),
        balancers: [mk('c', a.url), mk('d', `http://127.0.0.1:${dead}`, { noFailover: true }), mk('e', `http://127.0.0.1:${dead}`)],
      }),
    );
    const seq = async (path: string, cookie?: string): Promise<string> => {
      const out: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await request(`${p.url}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
        out.push(r.status === 200 ? r.text : String(r.status));
      }
      return out.join(' ');
    };
    expect(await seq('/c/x', 'JSESSIONID=xyz.b1')).toBe('B B B');
    expect(await seq('/c/x;jsessionid=xyz.a1', 'JSESSIONID=xyz.b1')).toBe('A A A');
    expect(await seq('/c/x?jsessionid=xyz.b1&y=1')).toBe('B B B');
    expect(await seq('/d/x', 'JSESSIONID=s.a1')).toBe('503 503 503');
    expect(p.errors.text).toContain('AH01161: balancer://d: All workers are in error state for route (a1)');
    expect(await seq('/e/x', 'JSESSIONID=s.a1')).toBe('B B B');
  });

  it('failonstatus puts the member in error and answers 503', async () => {
    const sick = await startTextBackend('sick', { status: 500 });
    const p = await serve(
      model({
        mainServer: server({ routes: [route('/', 'balancer://c/')] }),
        balancers: [balancer('c', [`${sick.url}/`, `${a.url}/`], { failOnStatus: [500], maxAttempts: 0 })],
      }),
    );
    expect(await sequence(`${p.url}/x`, 3)).toBe('503 A A');
    await sick.close();
  });

  it('sets BALANCER_WORKER_NAME for the access log', async () => {
    const p = await serve(
      model({
        mainServer: server({ routes: [route('/', 'balancer://c/')], logs: { errorLog: null, logLevel: null, access: [{ target: '-', format: '%{BALANCER_WORKER_NAME}e %>s', formatName: null, condition: null, span: null }] } }),
        balancers: [balancer('c', [`${a.url}/`])],
      }),
    );
    await request(`${p.url}/x`);
    await new Promise((r) => setImmediate(r));
    expect(p.access.lines()).toEqual([`${a.url}/ 200`]);
  });
  // apx deviation "balancer-reset-retry": httpd answers these 502 (AH01102); apx retries idempotent requests
  // without a body on another member, as nginx's proxy_next_upstream does.
  describe('a member that drops the connection before answering', () => {
    const rows: { name: string; fault: 'close' | 'reset'; method: string; body?: string; expected: string }[] = [
      { name: 'GET, connection closed → the other member answers', fault: 'close', method: 'GET', expected: '200 A' },
      { name: 'GET, connection reset → the other member answers', fault: 'reset', method: 'GET', expected: '200 A' },
      { name: 'HEAD, reset → the other member answers', fault: 'reset', method: 'HEAD', expected: '200 ' },
      { name: 'DELETE (idempotent, no body), reset → retried', fault: 'reset', method: 'DELETE', expected: '200 A' },
      { name: 'POST is not idempotent → 502, as httpd', fault: 'reset', method: 'POST', expected: '502' },
      { name: 'PUT with a body: the body is spent → 502, as httpd', fault: 'reset', method: 'PUT', body: 'payload', expected: '502' },
    ];
    it('the retry meets the dying member again, refused now: it still fails over (maxattempts is not spent)', async () => {
      let dying: Backend | null = null;
      dying = await startEchoBackend({
        handler: (req) => {
          req.socket.destroy();
          void dying?.close();
        },
      });
      // loadfactor 3:1 makes byrequests pick the dying member twice in a row.
      const p = await serve(model({ mainServer: server({ routes: [route('/', 'balancer://c/')] }), balancers: [balancer('c', [[`${dying.url}/`, { loadFactor: 3 }], `${a.url}/`])] }));
      const r = await request(`${p.url}/x`);
      expect(`${r.status} ${r.text}`).toBe('200 A');
      expect(p.errors.text).toContain('retrying the GET on another member');
      expect(p.errors.text).toContain('AH00959');
    });
    for (const row of rows) {
      it(row.name, async () => {
        const broken = await startEchoBackend({ fault: row.fault });
        try {
          const p = await serve(model({ mainServer: server({ routes: [route('/', 'balancer://c/')] }), balancers: [balancer('c', [`${broken.url}/`, `${a.url}/`])] }));
          const r = await request(`${p.url}/x`, { method: row.method, ...(row.body ? { body: row.body } : {}) });
          expect(r.status === 200 ? `200 ${r.text}` : String(r.status)).toBe(row.expected);
          expect(broken.requests).toHaveLength(1);
          if (row.expected.startsWith('200')) expect(p.errors.text).toContain(`retrying the ${row.method} on another member`);
          else expect(p.errors.text).toContain('AH01102');
        } finally {
          await broken.close();
        }
      });
    }
  });
});
